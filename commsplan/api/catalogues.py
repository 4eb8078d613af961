"""Every catalogue the API serves: reference data, audiences and channels."""

from __future__ import annotations

from flask_wtf import FlaskForm

from commsplan.audiences.forms import FORMS as MESSAGING_FORMS
from commsplan.audiences.kinds import KINDS as MESSAGING_KINDS
from commsplan.reference.forms import FORMS as REFERENCE_FORMS
from commsplan.reference.kinds import KINDS as REFERENCE_KINDS
from commsplan.reference.kinds import ReferenceKind

KINDS: dict[str, ReferenceKind] = {**REFERENCE_KINDS, **MESSAGING_KINDS}
FORMS: dict[ReferenceKind, type[FlaskForm]] = {**REFERENCE_FORMS, **MESSAGING_FORMS}
