"""Every catalogue the API serves: reference data, audiences and channels."""

from __future__ import annotations

from commsplan.audiences.forms import FORMS as MESSAGING_FORMS
from commsplan.audiences.kinds import KINDS as MESSAGING_KINDS
from commsplan.forms import AppForm
from commsplan.reference.forms import FORMS as REFERENCE_FORMS
from commsplan.reference.kinds import KINDS as REFERENCE_KINDS
from commsplan.reference.kinds import ReferenceKind

KINDS: dict[str, ReferenceKind] = {**REFERENCE_KINDS, **MESSAGING_KINDS}
FORMS: dict[ReferenceKind, type[AppForm]] = {**REFERENCE_FORMS, **MESSAGING_FORMS}
