"""Marking where a query matched a shown value: folded letters, digits across spaces, merged spans."""

from search.highlight import Field, marked, match_spans


def test_folded_forms_mark_the_characters_as_written():
    assert marked("Zofia Zażółć", ["zazolc"]) == [("Zofia ", False), ("Zażółć", True)]
    assert marked("ŁÓDŹ", ["lodz"]) == [("ŁÓDŹ", True)]


def test_digit_forms_match_across_spaces_and_dashes():
    assert marked("+48 600-100-200", ["600100200"]) == [("+48 ", False), ("600-100-200", True)]


def test_every_occurrence_is_marked_and_overlaps_merge():
    assert match_spans("anna anna", ["ann", "nna"]) == [(0, 4), (5, 9)]


def test_no_match_leaves_the_value_whole():
    parts = marked("jan@example.com", ["ewa"])
    assert parts == [("jan@example.com", False)]
    assert not Field("e-mail", parts).matched and Field("e-mail", marked("ewa", ["ewa"])).matched
    assert marked("", ["x"]) == []
