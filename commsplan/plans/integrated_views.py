"""The integrated plan's pages and exports, and the calendar feeds."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from commsplan.db import current_session, unit_of_work
from commsplan.errors import DomainError, ValidationError
from commsplan.plans import calendar, clashes, exports, feeds, integrated, service
from commsplan.plans.models import FeedScope
from commsplan.plans.views import bp, current_rules, financial_year
from commsplan.risk.models import year_label
from commsplan.timeutil import utcnow
from commsplan.web import (
    ConfirmForm,
    attachment,
    csv_download,
    id_arg,
    number_arg,
    posted_year,
    signed_in_user,
    year_arg,
)

MAX_PER_WEEK = integrated.MAX_PER_WEEK


@bp.app_template_filter("year_label")
def year_label_filter(year: int) -> str:
    return year_label(year)


def chosen_year() -> int:
    return year_arg(financial_year())


def chosen_per_week() -> int | None:
    return number_arg("per_week", 1, MAX_PER_WEEK)


def build() -> integrated.IntegratedPlan:
    return integrated.build(current_session(), chosen_year(), rules=current_rules(),
                            per_week=chosen_per_week())


@bp.get("/integrated")
def integrated_plan() -> tuple[str, int]:
    """The integrated plan; a bad overload threshold is an error on its field (422) while the
    page shows the default, so the reader keeps the page and sees what to correct."""
    try:
        per_week, status = chosen_per_week(), 200
    except ValidationError:
        per_week, status = None, 422
    session = current_session()
    result = integrated.build(session, chosen_year(), rules=current_rules(), per_week=per_week)
    return render_template("plans/integrated_plan.html", result=result, max_per_week=MAX_PER_WEEK,
                           sensitivity=clashes.listed_clashes(session, result.counted_plan_ids),
                           bad_per_week=status == 422,
                           gap_priorities=current_rules().gap_priorities), status


@bp.get("/integrated/calendar")
def integrated_calendar() -> str:
    """One month of every approved plan's activities, and the milestones due in it."""
    year = chosen_year()
    month = calendar.parse_month(request.args.get("month"), year)
    entries = integrated.month_entries(current_session(), year, month)
    shown = calendar.month_view(*month, entries)
    return render_template("plans/integrated_calendar.html", year=year, count=len(entries), month=shown,
                           months=calendar.year_months(year),
                           sensitivity=clashes.month_sensitivity(current_session(), shown))


@bp.get("/integrated/print")
def print_integrated() -> str:
    result = build()
    return render_template("plans/print_integrated.html", result=result,
                           sensitivity=clashes.listed_clashes(current_session(), result.counted_plan_ids))


@bp.get("/integrated/plan.md")
def integrated_markdown() -> Response:
    result = build()
    sensitivity = clashes.listed_clashes(current_session(), result.counted_plan_ids)
    return attachment(integrated.as_markdown(result, sensitivity), "text/markdown",
                      f"integrated-plan-{result.year}.md")


@bp.get("/integrated/activities.csv")
def integrated_activities_csv() -> Response:
    result = build()
    return csv_download(exports.activities_csv(integrated.export_rows(current_session(), result)),
                        f"integrated-activities-{result.year}.csv")


# --- Calendar feeds ----------------------------------------------------------------------------

@bp.get("/feeds")
def list_feeds() -> str:
    session = current_session()
    user = signed_in_user()
    plan_id = id_arg("plan")
    plan = service.get_plan(session, plan_id) if plan_id else None
    return render_template("plans/list_feeds.html", feeds=feeds.feeds_of(session, user), plan=plan,
                           year=chosen_year(), form=ConfirmForm(), base_url=current_app.config["BASE_URL"])


@bp.post("/feeds")
def create_feed() -> str | BaseResponse:
    """Make a feed and show its address once."""
    user = signed_in_user()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    scope = request.form.get("scope", "")
    if scope not in set(FeedScope):
        flash("Choose what the calendar should show", "error")
        return redirect(url_for("plans.list_feeds"))
    try:
        with unit_of_work() as session:
            plan_id = id_arg("plan", posted=True)
            plan = service.get_plan(session, plan_id) if plan_id else None
            feed, token = feeds.create_feed(session, user=user, scope=FeedScope(scope), plan=plan,
                                            year=posted_year(posted=True),
                                            now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("plans.list_feeds"))
    address = current_app.config["BASE_URL"].rstrip("/") + url_for("plans.feed_ics", token=token)
    return render_template("plans/feed_created.html", feed=feed, address=address)


@bp.post("/feeds/<int:feed_id>/revoke")
def revoke_feed(feed_id: int) -> BaseResponse:
    user = signed_in_user()
    if ConfirmForm().validate_on_submit():
        try:
            with unit_of_work() as session:
                feeds.revoke_feed(session, feeds.get_feed(session, feed_id), actor=user, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("Calendar feed removed: its address no longer works", "success")
    return redirect(url_for("plans.list_feeds"))


@bp.get("/feeds/<token>.ics")
def feed_ics(token: str) -> BaseResponse:
    """The one plan page that needs no sign-in: the token in the address is the key. It answers
    If-None-Match and If-Modified-Since with 304 when the events have not changed."""
    with unit_of_work() as session:
        feed = feeds.find_by_token(session, token)
        if feed is None:
            abort(404)
        ics = feeds.feed_ics(session, feed, base_url=current_app.config["BASE_URL"].rstrip("/"),
                             now=utcnow())
    response = Response(ics.body, mimetype="text/calendar",
                        headers={"Content-Disposition": 'inline; filename="commsplan.ics"',
                                 "Cache-Control": "private, max-age=300"})
    response.set_etag(ics.etag)
    response.last_modified = ics.changed_at
    return response.make_conditional(request)
