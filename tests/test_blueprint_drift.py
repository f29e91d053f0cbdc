"""The pure drift computation: a restored course that matches gives no drift; each kind of difference is named."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lms_sync.blueprint import BlueprintContent, compile_blueprint
from lms_sync.blueprint.drift import Difference, FoundBy, RestoredBlueprint, RestoredFeedback, compute_drift
from lms_sync.blueprint.feedback_items import ItemShape, describe_stored
from lms_sync.moodle.api.contents import Module, Section
from lms_sync.moodle.api.courses import Course
from tests.blueprint_sample_template import write_sample_template


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> BlueprintContent:
    return compile_blueprint(write_sample_template(tmp_path_factory.mktemp("templates") / "sample"))


def _restored(content: BlueprintContent, *, found_by: FoundBy = FoundBy.IDNUMBER,
              sections: dict[int, str] | None = None, **course_fields: str) -> RestoredBlueprint:
    """The course exactly as a correct restore of `content` leaves it (with `course_fields` of the course changed)."""
    course = replace(Course(id=7, idnumber=content.idnumber, shortname=content.shortname, fullname=content.fullname,
                            summary="", startdate=0, enddate=0, categoryid=1), **course_fields)
    numbered = list(enumerate(content.activities, start=1))
    modules = tuple(Module(id=cmid, modname=a.modname, name=a.name, section=a.section_number) for cmid, a in numbered)
    feedbacks = {cmid: RestoredFeedback(a.anonymous, tuple(describe_stored(item) for item in a.items))
                 for cmid, a in numbered if a.items}
    names = {s.number: s.name or "" for s in content.sections} if sections is None else sections
    return RestoredBlueprint(course, found_by, tuple(Section(100 + n, n, name) for n, name in names.items()), modules,
                             feedbacks)


def _module(course: RestoredBlueprint, modname: str) -> Module:
    return next(m for m in course.modules if m.modname == modname)


def _with_module(course: RestoredBlueprint, old: Module, new: Module | None) -> RestoredBlueprint:
    modules = tuple(new if m is old else m for m in course.modules)
    return replace(course, modules=tuple(m for m in modules if m is not None))


def _feedback(course: RestoredBlueprint) -> tuple[int, RestoredFeedback]:
    cmid = _module(course, "feedback").id
    return cmid, course.feedbacks[cmid]


def _with_feedback(course: RestoredBlueprint, cmid: int, feedback: RestoredFeedback) -> RestoredBlueprint:
    return replace(course, feedbacks={**course.feedbacks, cmid: feedback})


def _summary(drifts: list) -> list[tuple[str, str, str]]:
    return [(d.subject, str(d.change), d.detail) for d in drifts]


def test_a_faithful_restore_has_no_drift(content: BlueprintContent) -> None:
    assert compute_drift(content, _restored(content), "tpl") == []


def test_missing_course_says_to_restore(content: BlueprintContent) -> None:
    [drift] = compute_drift(content, None, "tpl")
    assert (drift.subject, drift.change) == ("course", Difference.MISSING)
    assert "restore" in drift.hint and "lms-sync blueprint adopt tpl" in drift.hint


@pytest.mark.parametrize(("found_by", "shortname", "text"), [
    (FoundBy.SHORTNAME, "BP-SAMPLE-v1", "by its shortname"),
    (FoundBy.SUFFIXED_SHORTNAME, "BP-SAMPLE-v1_1", "as 'BP-SAMPLE-v1_1'"),
])
def test_course_found_without_its_idnumber_is_explained(content: BlueprintContent, found_by: FoundBy,
                                                         shortname: str, text: str) -> None:
    drifts = compute_drift(content, _restored(content, found_by=found_by, shortname=shortname, idnumber=""), "tpl")
    assert _summary(drifts) == [("course", "changed", f"found {text} (course id 7) but its idnumber is ''")]
    assert drifts[0].hint.endswith("run `lms-sync blueprint adopt tpl`") and "free" not in drifts[0].hint


def test_course_found_by_idnumber_with_other_shortname(content: BlueprintContent) -> None:
    drifts = compute_drift(content, _restored(content, shortname="OTHER"), "tpl")
    assert _summary(drifts) == [("course", "changed", "shortname is 'OTHER', expected 'BP-SAMPLE-v1'")]


def test_section_renamed_missing_and_extra(content: BlueprintContent) -> None:
    sections = {0: "Willkommen", 1: "Umbenannt", 3: "Neu"}
    drifts = compute_drift(content, _restored(content, sections=sections), "tpl")
    assert _summary(drifts) == [
        ("section", "changed", "name is 'Umbenannt', expected 'Kommune und Zivilgesellschaft'"),
        ("section", "missing", "Evaluation"),
        ("section", "extra", "Neu"),
    ]


def test_activity_renamed_retyped_moved_missing_and_extra(content: BlueprintContent) -> None:
    course = _restored(content)
    course = _with_module(course, _module(course, "page"), replace(_module(course, "page"), name="Anders"))
    course = _with_module(course, _module(course, "label"), replace(_module(course, "label"), modname="page"))
    course = _with_module(course, _module(course, "assign"), replace(_module(course, "assign"), section=2))
    course = _with_module(course, _module(course, "forum"), None)
    course = replace(course, modules=(*course.modules, Module(99, "forum", "Ankündigungen", 0)))
    drifts = compute_drift(content, course, "tpl")
    assert _summary(drifts) == [
        ("activity", "missing", "forum 'Kommune und Zivilgesellschaft'"),
        ("activity", "changed", "name is 'Anders'"),
        ("activity", "changed", "type is 'page'"),
        ("activity", "changed", "is in section 2, expected 1"),
        ("activity", "extra", "forum 'Ankündigungen'"),
    ]
    assert "announcements forum" in drifts[-1].hint


def test_questionnaire_items_changed_missing_extra_and_anonymity(content: BlueprintContent) -> None:
    course = _restored(content)
    cmid, feedback = _feedback(course)
    items = list(feedback.items)
    items[1] = replace(items[1], question="Andere Frage")
    items[2] = replace(items[2], kind="textarea", options=())
    del items[6]  # organisation
    items.append(ItemShape("numeric", "age", "Alter"))
    changed = replace(feedback, items=tuple(items), anonymous=True)
    drifts = compute_drift(content, _with_feedback(course, cmid, changed), "tpl")
    assert _summary(drifts) == [
        ("activity", "changed", "is anonymous"),
        ("item", "changed", "question is 'Andere Frage', expected 'Kommune und Zivilgesellschaft'"),
        ("item", "changed", "kind is 'textarea', expected 'likert'"),
        ("item", "changed",
         "options is (), expected ('viel zu langsam', 'langsam', 'genau richtig', 'schnell', 'viel zu schnell')"),
        ("item", "missing", "textfield: Für welche Organisation arbeiten Sie?"),
        ("item", "extra", "numeric: Alter"),
    ]
    assert [d.where for d in drifts if d.subject == "item"][0] == "Evaluation / relevance"


def test_questionnaire_page_break_moved_and_order_changed(content: BlueprintContent) -> None:
    course = _restored(content)
    cmid, feedback = _feedback(course)
    items = list(feedback.items)
    pagebreak = items.pop(3)
    items.insert(1, pagebreak)
    drifts = compute_drift(content, _with_feedback(course, cmid, replace(feedback, items=tuple(items))), "tpl")
    assert _summary(drifts) == [("item", "missing", "pagebreak"), ("item", "extra", "pagebreak")]
    assert [d.where for d in drifts] == [
        "Evaluation / pagebreak after pace", "Evaluation / pagebreak after block_content"]

    items = list(feedback.items)
    items[4], items[5] = items[5], items[4]
    drifts = compute_drift(content, _with_feedback(course, cmid, replace(feedback, items=tuple(items))), "tpl")
    assert _summary(drifts) == [("item", "changed", "items are in a different order")]
