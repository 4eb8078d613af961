"""Forms for message maps, their channel variants and their review."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from commsplan.audiences.forms import enum_choice
from commsplan.forms import (
    AppForm,
    ChoiceField,
    GovDateField,
    MultiChoiceField,
    RadioChoiceField,
    choices,
    long_text_field,
    optional_int,
    optional_select,
    text_field,
)
from commsplan.messages import checks
from commsplan.messages.models import RipeStrand, Tone, TranslationStatus


def key_message(number: int) -> TextAreaField:
    return TextAreaField(f"Key message {number}", widget=GovTextArea(),
                         description="About 27 words or fewer: it should take under 10 seconds to say"
                         if number == 1 else "",
                         validators=[Length(max=400, message="A key message must be 400 characters "
                                                             "or fewer")])


def fact(number: int, of: int) -> StringField:
    return text_field(f"Supporting fact {number} for key message {of}", 300, required=False)


class SettingsFields(AppForm):
    element_id = ChoiceField("Violence element", coerce=optional_int,
                             message="Choose the violence element")
    qualifier_ids = MultiChoiceField("Qualifiers", coerce=int, widget=GovCheckboxesInput(),
                                     description="Only if the messages are about these features",
                                     default=list)
    audience_id = ChoiceField("Audience", coerce=optional_int, message="Choose the audience")
    unit_id = optional_select("Business unit", message="Choose a business unit from the list",
                              hint="Leave as force-wide unless one unit owns these messages")
    owner_id = ChoiceField("Owner", coerce=optional_int, message="Choose the owner",
                           description="Gets the review reminder")
    review_date = GovDateField("Review date", validators=[Optional()],
                               description="When the messages should be checked again, for "
                                           "example 27 3 2027")


class ContentFields(AppForm):
    concern = long_text_field("The question or concern this map answers", 500,
                              hint="In the audience's words, for example 'Is it safe for my child "
                                   "to walk home from school?'")
    key_message_1 = key_message(1)
    fact_1_1, fact_1_2, fact_1_3 = fact(1, 1), fact(2, 1), fact(3, 1)
    key_message_2 = key_message(2)
    fact_2_1, fact_2_2, fact_2_3 = fact(1, 2), fact(2, 2), fact(3, 2)
    key_message_3 = key_message(3)
    fact_3_1, fact_3_2, fact_3_3 = fact(1, 3), fact(2, 3), fact(3, 3)
    call_to_action = text_field("Call to action", 300, required=False,
                                hint="What people should do: for example call 101, or tell "
                                     "Crimestoppers anonymously on 0800 555 111")
    ripe_strands = MultiChoiceField("RIPE strand", widget=GovCheckboxesInput(), default=list,
                                    choices=choices((s.value, s.label) for s in RipeStrand),
                                    description="Reassurance, Intelligence, Prevention, Enforcement")
    tone = enum_choice("Tone", Tone, "Choose the tone", "Choose the tone")

    def content(self) -> checks.MapContent:
        return checks.MapContent(
            concern=self.concern.data or "", call_to_action=self.call_to_action.data or "",
            ripe_strands=tuple(RipeStrand(value) for value in self.ripe_strands.data or []),
            tone=self.tone.data,
            key_messages=tuple(checks.KeyMessage(
                self[f"key_message_{n}"].data or "",
                tuple(self[f"fact_{n}_{f}"].data or "" for f in range(1, 4))) for n in range(1, 4)))

    def fill(self, content: checks.MapContent) -> None:
        self.concern.data, self.call_to_action.data = content.concern, content.call_to_action
        self.ripe_strands.data = [strand.value for strand in content.ripe_strands]
        self.tone.data = content.tone
        for n, message in enumerate(content.key_messages, start=1):
            self[f"key_message_{n}"].data = message.text
            for f, text in enumerate(message.facts, start=1):
                self[f"fact_{n}_{f}"].data = text


class NewMapForm(SettingsFields, ContentFields):
    submit = SubmitField("Save draft", widget=GovSubmitInput())


class SettingsForm(SettingsFields):
    submit = SubmitField("Save", widget=GovSubmitInput())


class ContentForm(ContentFields):
    change_note = text_field("What changed", 300, required=False,
                             hint="A few words for the version history, for example 'shorter CTA'")
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())


class VariantForm(AppForm):
    channel_id = ChoiceField("Channel", coerce=optional_int, message="Choose the channel")
    language = StringField("Language", widget=GovTextInput(), default="en",
                           description="A language code like en, so, bn or pt-BR",
                           validators=[InputRequired(message="Enter the language code")])
    body = TextAreaField("Words for this channel", widget=GovTextArea(),
                         description="Markdown: *emphasis*, **bold**, [link text](https://…), "
                                     "lists with -",
                         validators=[InputRequired(message="Enter the words for this channel")])
    has_media = BooleanField("This carries an image or video", widget=GovCheckboxInput())
    alt_text = text_field("Alt text", 300, required=False,
                          hint="Describe the image or video for people who cannot see it")
    captions = BooleanField("The video has captions", widget=GovCheckboxInput())
    easy_read = BooleanField("An Easy Read version goes with it", widget=GovCheckboxInput())
    bsl = BooleanField("A British Sign Language version goes with it", widget=GovCheckboxInput())
    translation_status = enum_choice("How the words were written", TranslationStatus,
                                     "Choose how the words were written or translated",
                                     "Choose one")
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())

    def variant(self) -> checks.VariantContent:
        return checks.VariantContent(
            channel_id=self.channel_id.data, language=self.language.data or "",
            body=self.body.data or "", has_media=bool(self.has_media.data),
            alt_text=self.alt_text.data or "", captions=bool(self.captions.data),
            easy_read=bool(self.easy_read.data), bsl=bool(self.bsl.data),
            translation_status=self.translation_status.data)


class CommentForm(AppForm):
    comment = long_text_field("Comment", 2000)
    submit = SubmitField("Add comment", widget=GovSubmitInput(),
                         render_kw={"params": {"classes": "govuk-button--secondary"}})


class DecisionForm(AppForm):
    """Approve or return: names the version the approver read, so a later edit is not approved."""

    number = HiddenField()
    # The page's comment form has a field named "comment" too.
    comment = long_text_field("Comment", 2000, hint="Required when you send it back", id="decision-comment")
    approve = SubmitField("Approve", widget=GovSubmitInput())
    send_back = SubmitField("Send back for changes", widget=GovSubmitInput(),
                            render_kw={"params": {"classes": "govuk-button--warning"}})


class MapFilterForm(AppForm):
    class Meta:
        csrf = False

    element = ChoiceField("Element", coerce=optional_int, blank_means_none=True)
    audience = ChoiceField("Audience", coerce=optional_int, blank_means_none=True)
    status = ChoiceField("Status", blank_means_none=True, coerce=lambda v: v or None)
    qualifier = ChoiceField("Qualifier", coerce=optional_int, blank_means_none=True)
    unit = ChoiceField("Business unit", coerce=optional_int, blank_means_none=True)


def fill_choices(field: Any, pairs: list[tuple[Any, str]], blank: str | None = None) -> None:
    field.choices = choices(pairs, blank=blank)


class ImportForm(AppForm):
    what = RadioChoiceField("What does the file contain?", choices=choices([
        ("audiences", "Audiences"), ("channels", "Channels"),
        ("affinity", "Affinity (audience, channel, score, evidence)"),
        ("message-maps", "Message maps (one row per map, without channel variants)"),
        ("message-variants", "Message variants (one row per channel variant of a map)")]),
        message="Choose what the file contains")
    file = FileField("CSV file", widget=GovFileInput(),
                     description="A file exported from Commsplan, or one with the same columns",
                     validators=[FileRequired(message="Choose a CSV file")])
    submit = SubmitField("Import", widget=GovSubmitInput())
