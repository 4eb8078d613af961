"""`flask plans …`: load the delivery plan's own deliverables, export the integrated plan."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from commsplan.auth import service as accounts
from commsplan.auth.models import User
from commsplan.db import current_session, unit_of_work
from commsplan.notifications.jobs import current_settings
from commsplan.plans import exports, integrated
from commsplan.plans.delivery_plan import DELIVERABLES, DELIVERY_PLAN_YEAR, add_delivery_plan
from commsplan.plans.rules import plan_rules
from commsplan.timeutil import utcnow

plans_cli = AppGroup("plans", help="Communication plans and the integrated plan.")


def person(email: str) -> User:
    found = accounts.find_by_email(current_session(), email)
    if found is None or not found.is_active:
        raise click.ClickException(f"No active account for {email}")
    return found


@plans_cli.command("delivery-plan")
@click.option("--owner", required=True, help="Email of the comms officer who owns the plan.")
@click.option("--approver", required=True, help="Email of the approver who approves it (not the owner).")
@click.option("--commit", is_flag=True, help="Save; without it, only say what would be added.")
def delivery_plan(owner: str, approver: str, commit: bool) -> None:
    """Add the Reassurance workstream of the 2010 delivery plan (deliverables 1A–2C) as a plan."""
    with unit_of_work() as session:
        plan = add_delivery_plan(session, owner=person(owner), approver=person(approver), now=utcnow(),
                                 delivery=current_settings(), rules=plan_rules(current_app.config))
        if plan is None:
            click.echo(f"Nothing to add: the corporate plan for {DELIVERY_PLAN_YEAR} is there already "
                       "(or there is no corporate unit; run 'reference seed' first).")
            return
        click.echo(f"{'Added' if commit else 'Would add'}: {plan.title}, with "
                   f"{len(DELIVERABLES)} deliverables as milestones.")
        if not commit:
            session.rollback()


@plans_cli.command("export")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Financial year, like 2026.")
@click.option("--format", "kind", type=click.Choice(["markdown", "csv"]), default="markdown")
def export(year: int, kind: str) -> None:
    """Print the integrated plan for a year as Markdown, or its activities as CSV."""
    result = integrated.build(current_session(), year, rules=plan_rules(current_app.config))
    click.echo(integrated.as_markdown(result) if kind == "markdown"
               else exports.activities_csv(integrated.export_rows(current_session(), result)), nl=False)
