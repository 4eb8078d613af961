"""The signed-in person's start page: what needs them now."""

from __future__ import annotations

from flask import Blueprint, render_template

from commsplan.audit import service as audit
from commsplan.auth.models import Role, sorted_roles
from commsplan.db import current_session
from commsplan.extensions import db
from commsplan.notifications import holidays
from commsplan.notifications import service as inbox
from commsplan.notifications.models import InboxItem
from commsplan.timeutil import utcnow
from commsplan.web import role_required, signed_in_user

bp = Blueprint("home", __name__)

# Shared records everyone may see changes to; personal and admin records stay private.
SHARED_AUDIT_TYPES = ("violence_element", "qualifier", "business_unit", "audience", "channel",
                      "affinity")
RECENT_CHANGES = 10
UNREAD_SHOWN = 5


@bp.get("/")
def index() -> str:
    user = signed_in_user()
    shown = () if user.has_role(Role.ADMIN) else SHARED_AUDIT_TYPES
    query = audit.entries_query(audit.AuditFilter(object_types=shown)).limit(RECENT_CHANGES)
    recent = db.session.scalars(query).all()
    unread = current_session().scalars(
        inbox.visible_items(user.id, utcnow()).where(InboxItem.read_at.is_(None)).limit(UNREAD_SHOWN)
    ).all()
    return render_template("home/index.html", user=user, roles=sorted_roles(user.roles),
                           recent=recent, unread=unread)


@bp.get("/admin")
@role_required(Role.ADMIN)
def admin() -> str:
    runs_out = holidays.runs_out_soon(current_session(), now=utcnow())
    return render_template("home/admin.html", runs_out=runs_out)
