"""Course categories: core_course_get_categories (criteria) and core_course_create_categories.

Categories carry Moodle's derived fields (path, depth, sortorder, coursecount).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import invalid_parameter, moodle_exception
from tests.fake_moodle.operations import create_category
from tests.fake_moodle.state import Category

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_CRITERIA = ("id", "ids", "name", "parent", "idnumber", "visible", "theme")


def _path(fake: FakeMoodle, category: Category) -> list[int]:
    chain = [category.id]
    while fake.site.categories[chain[0]].parent:
        chain.insert(0, fake.site.categories[chain[0]].parent)
    return chain


def category_record(fake: FakeMoodle, category: Category) -> dict[str, Any]:
    path = _path(fake, category)
    return {
        "id": category.id, "name": category.name, "idnumber": category.idnumber,
        "description": category.description, "descriptionformat": category.descriptionformat,
        "parent": category.parent, "sortorder": category.id * 10000,
        "coursecount": sum(1 for c in fake.site.courses.values() if c.category == category.id),
        "visible": category.visible, "visibleold": category.visible, "timemodified": category.timemodified,
        "depth": len(path), "path": "".join(f"/{part}" for part in path), "theme": "",
    }


def _matches(category: Category, key: str, value: str) -> bool:
    if key == "ids":
        return str(category.id) in value.split(",")
    return str(getattr(category, key)) == value


def get_categories(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    found = sorted(fake.site.categories.values(), key=lambda c: c.id)
    for criterion in params["criteria"]:
        if criterion["key"] not in _CRITERIA:
            raise invalid_parameter(f"The criteria key {criterion['key']} is not allowed.")
        found = [c for c in found if _matches(c, criterion["key"], criterion["value"])]
    if params["addsubcategories"]:
        chosen = {c.id for c in found}
        found = [c for c in sorted(fake.site.categories.values(), key=lambda c: c.id)
                 if chosen & set(_path(fake, c))]
    return [category_record(fake, c) for c in found]


def create_categories(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    created = []
    for wanted in params["categories"]:
        if wanted["parent"] and wanted["parent"] not in fake.site.categories:
            raise moodle_exception("unknowcategory", "Unknown category")
        idnumber = wanted.get("idnumber") or ""
        if idnumber and any(c.idnumber == idnumber for c in fake.site.categories.values()):
            raise moodle_exception("categoryidnumbertaken", "ID number is already used for another category")
        category = create_category(fake.site, wanted["name"], idnumber=idnumber, parent=wanted["parent"],
                                   description=wanted.get("description", ""),
                                   descriptionformat=wanted["descriptionformat"])
        created.append({"id": category.id, "name": category.name})
    return created


HANDLERS = {"core_course_get_categories": get_categories, "core_course_create_categories": create_categories}
