"""Forms for reference data; the API validates JSON through the same forms."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import Field, SubmitField
from wtforms.validators import ValidationError as WTFormsValidationError

from commsplan.forms import (
    AppForm,
    ChoiceField,
    choices,
    code_field,
    long_text_field,
    optional_select,
    text_field,
    whole_number,
)
from commsplan.reference.kinds import ELEMENTS, QUALIFIERS, UNITS, ReferenceKind
from commsplan.reference.models import UnitKind
from commsplan.reference.service import PARENT_REQUIRED


class ViolenceElementForm(AppForm):
    code = code_field("Code", 12, "A short code used in reports and imports, like ROB")
    name = text_field("Name", 80)
    description = long_text_field("Description", 2000,
                                  hint="What falls within this element, in plain English")
    parent_id = optional_select("Part of", message="Select an element from the list",
                                hint="Leave blank unless this element sits within another")
    position = whole_number("Order in lists", minimum=0, maximum=999,
                            message="Enter the order in lists as a whole number, like 10")
    submit = SubmitField("Save", widget=GovSubmitInput())


class QualifierForm(AppForm):
    code = code_field("Code", 24, "A short code used in reports and imports, like WEAPON")
    name = text_field("Name", 80)
    description = long_text_field("Description", 2000)
    position = whole_number("Order in lists", minimum=0, maximum=999,
                            message="Enter the order in lists as a whole number, like 10")
    submit = SubmitField("Save", widget=GovSubmitInput())


class BusinessUnitForm(AppForm):
    code = code_field("Code", 12, "A short code used in reports and imports, like HACK")
    name = text_field("Name", 120)
    kind = ChoiceField(
        "Kind of unit",
        message="Select the kind of unit from the list",
        coerce=lambda value: UnitKind(value) if value else None,
        choices=choices(((kind, kind.label) for kind in UnitKind), blank="Select a kind"),
    )
    parent_id = optional_select("Reports to", message="Select a unit from the list",
                                hint="Every unit but the corporate one has a parent")
    description = long_text_field("Description", 2000)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_parent_id(self, field: Field) -> None:
        if field.data is None and self.kind.data not in (None, UnitKind.CORPORATE):
            raise WTFormsValidationError(PARENT_REQUIRED)


FORMS: dict[ReferenceKind, type[AppForm]] = {
    ELEMENTS: ViolenceElementForm,
    QUALIFIERS: QualifierForm,
    UNITS: BusinessUnitForm,
}


class MemberForm(AppForm):
    user_id = ChoiceField("Person", coerce=lambda value: int(value) if value else None,
                          message="Select a person from the list")
    submit = SubmitField("Add to unit", widget=GovSubmitInput())
