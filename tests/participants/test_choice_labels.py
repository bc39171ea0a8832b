"""participants.enums.ChoiceLabel (issue 19): the labels the pathway pages show many of give the text of
``get_FOO_display``, for every choice and for a blank value."""

import pytest

from participants.models import AccompanimentEvent, Pathway, PathwayLog

LABELLED = [(Pathway, "status"), (Pathway, "exit_reason"), (Pathway, "outcome"), (PathwayLog, "transition"),
            (PathwayLog, "from_status"), (PathwayLog, "to_status"), (AccompanimentEvent, "kind"),
            (AccompanimentEvent, "adjustment_decision")]


@pytest.mark.parametrize(("model", "field"), LABELLED, ids=[f"{m.__name__}.{f}" for m, f in LABELLED])
def test_choice_label_is_the_display_text(model, field):
    values = [value for value, _label in model._meta.get_field(field).choices]
    for value in [*values, ""]:
        row = model(**{field: value})
        shown = str(getattr(row, f"{field}_label"))
        assert shown == getattr(row, f"get_{field}_display")(), value
        assert shown or value == ""
