"""core_webservice_get_site_info: the site, the token's user, and the functions the token's service allows; core_get_string.

The function list is `fake.allowed_functions`, so tests can take functions away from the service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import invalid_parameter
from tests.fake_moodle.handlers.common import THEME_REV, user_picture

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

_ADVANCED_FEATURES = (
    ("usecomments", 1), ("usetags", 1), ("enablenotes", 1), ("messaging", 1), ("enableblogs", 1),
    ("enablecompletion", 1), ("enablebadges", 1), ("messagingallusers", 0), ("enablecustomreports", 1),
    ("enableglobalsearch", 0), ("mnet_dispatcher_mode", 0), ("enablecompetencies", 1),
)


def get_site_info(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    user = fake.site.users[fake.current_user]
    release, version = fake.release()
    return {
        "sitename": fake.sitename, "username": user.username, "firstname": user.firstname,
        "lastname": user.lastname, "fullname": user.fullname, "lang": user.lang, "userid": user.id,
        "siteurl": fake.url, "userpictureurl": user_picture(fake),
        "functions": [{"name": name, "version": version} for name in sorted(fake.allowed_functions)],
        "downloadfiles": 1, "uploadfiles": 1, "release": release, "version": version, "mobilecssurl": "",
        "advancedfeatures": [{"name": name, "value": value} for name, value in _ADVANCED_FEATURES],
        "usercanmanageownfiles": True, "userquota": 0, "usermaxuploadfilesize": -1, "userhomepage": 1,
        "userprivateaccesskey": f"fake-private-key-{THEME_REV}", "siteid": 1, "sitecalendartype": "gregorian",
        "usercalendartype": "gregorian", "userissiteadmin": fake.is_admin(), "theme": "boost",
        "limitconcurrentlogins": 0, "policyagreed": 0,
    }


def get_string(fake: FakeMoodle, params: dict[str, Any]) -> str:
    """PARAM_LANG accepts only installed languages; a language's own name is its langconfig `thislanguage`."""
    lang = params.get("lang")
    if lang and lang not in fake.site.languages:
        raise invalid_parameter(f'Invalid external api parameter: the value is "{lang}", '
                                'the server was expecting "lang" type')
    if (params["stringid"], params.get("component")) == ("thislanguage", "langconfig"):
        return fake.site.languages[lang or "en"]
    return str(params["stringid"])


HANDLERS = {"core_webservice_get_site_info": get_site_info, "core_get_string": get_string}
