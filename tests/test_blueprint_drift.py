"""The pure drift computation: a restored course that matches gives no drift; each kind of difference is named."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lms_sync.blueprint import BlueprintContent, compile_blueprint
from lms_sync.blueprint.drift import Change, FoundBy, ObservedCourse, ObservedModule, compute_drift
from lms_sync.blueprint.feedback_items import ItemShape, describe_stored
from tests.blueprint_sample_template import write_sample_template


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> BlueprintContent:
    return compile_blueprint(write_sample_template(tmp_path_factory.mktemp("templates") / "sample"))


def _restored(content: BlueprintContent, **changes: object) -> ObservedCourse:
    """The course exactly as a correct restore of `content` leaves it."""
    modules = tuple(
        ObservedModule(cmid=cmid, modname=a.modname, name=a.name, section_number=a.section_number,
                       anonymous=a.anonymous if a.items else None,
                       items=tuple(describe_stored(item) for item in a.items) if a.items else None)
        for cmid, a in enumerate(content.activities, start=1)
    )
    course = ObservedCourse(id=7, shortname=content.shortname, idnumber=content.idnumber, found_by=FoundBy.IDNUMBER,
                            sections={s.number: s.name or "" for s in content.sections}, modules=modules)
    return replace(course, **changes)  # type: ignore[arg-type]


def _module(course: ObservedCourse, modname: str) -> ObservedModule:
    return next(m for m in course.modules if m.modname == modname)


def _with_module(course: ObservedCourse, old: ObservedModule, new: ObservedModule | None) -> ObservedCourse:
    modules = tuple(new if m is old else m for m in course.modules)
    return replace(course, modules=tuple(m for m in modules if m is not None))


def _summary(drifts: list) -> list[tuple[str, str, str]]:
    return [(d.subject, str(d.change), d.detail) for d in drifts]


def test_a_faithful_restore_has_no_drift(content: BlueprintContent) -> None:
    assert compute_drift(content, _restored(content), "tpl") == []


def test_missing_course_says_to_restore(content: BlueprintContent) -> None:
    [drift] = compute_drift(content, None, "tpl")
    assert (drift.subject, drift.change) == ("course", Change.MISSING)
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
    course = _with_module(course, _module(course, "assign"), replace(_module(course, "assign"), section_number=2))
    course = _with_module(course, _module(course, "forum"), None)
    course = replace(course, modules=(*course.modules, ObservedModule(99, "forum", "Ankündigungen", 0)))
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
    feedback = _module(course, "feedback")
    items = list(feedback.items or ())
    items[1] = replace(items[1], question="Andere Frage")
    items[2] = replace(items[2], kind="textarea", options=())
    del items[6]  # organisation
    items.append(ItemShape("numeric", "age", "Alter"))
    changed = replace(feedback, items=tuple(items), anonymous=True)
    drifts = compute_drift(content, _with_module(course, feedback, changed), "tpl")
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
    feedback = _module(course, "feedback")
    items = list(feedback.items or ())
    pagebreak = items.pop(3)
    items.insert(1, pagebreak)
    drifts = compute_drift(content, _with_module(course, feedback, replace(feedback, items=tuple(items))), "tpl")
    assert _summary(drifts) == [("item", "missing", "pagebreak"), ("item", "extra", "pagebreak")]
    assert [d.where for d in drifts] == [
        "Evaluation / pagebreak after pace", "Evaluation / pagebreak after block_content"]

    items = list(feedback.items or ())
    items[4], items[5] = items[5], items[4]
    drifts = compute_drift(content, _with_module(course, feedback, replace(feedback, items=tuple(items))), "tpl")
    assert _summary(drifts) == [("item", "changed", "items are in a different order")]
