"""Blueprint courses: a course template compiled into a restorable Moodle course backup (.mbz), and its drift check.

Import from here; the submodules are an implementation detail.
"""

from lms_sync.blueprint.builder import BuiltBlueprint, build_blueprint
from lms_sync.blueprint.compile import compile_blueprint
from lms_sync.blueprint.content import BlueprintContent
from lms_sync.blueprint.feedback_items import ItemEncodingError, ItemShape, describe, shape_of

__all__ = [
    "BlueprintContent", "BuiltBlueprint", "ItemEncodingError", "ItemShape", "build_blueprint", "compile_blueprint",
    "describe", "shape_of",
]
