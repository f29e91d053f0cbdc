"""The recorded contract site (../shared/moodle-contract/*/README.md "Data the files refer to"), rebuilt in the fake.

Same ids as the recordings: category 2, master course 2, run course 3 with its activities, users 5–16, groups 1–2,
feedback 2 (named, 7 responses) and 3 (anonymous, 5 responses), completion of users 5–11.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.fake_moodle.builders import rated_presentation
from tests.fake_moodle.state import Course, Forum

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

SECTIONS = (
    ("Einführung & Kennenlernen", "<p>Begrüßung, Vorstellungsrunde und Überblick über den Ablauf des Workshops.</p>"),
    ("Grundlagen der kommunalen Selbstverwaltung",
     "<p>Aufbau der Gemeinde, Rolle von Rat und Verwaltung, Haushalt und Zuständigkeiten.</p>"),
    ("Bürgerbeteiligung in der Praxis",
     "<p>Formate der Beteiligung: Einwohnerversammlung, Bürgerhaushalt, Beiräte und digitale Beteiligung.</p>"),
    ("Evaluation & Abschluss", "<p>Rückblick, Transfer in die eigene Praxis und Evaluation des Workshops.</p>"),
)
_SATISFACTION = ("sehr unzufrieden", "eher unzufrieden", "teils, teils", "eher zufrieden", "sehr zufrieden")
EVALUATION_ITEMS = (
    {"name": "Wie zufrieden sind Sie insgesamt mit dem Workshop?", "label": "zufriedenheit",
     "presentation": rated_presentation(_SATISFACTION)},
    {"name": "Die Inhalte sind für meine Arbeit vor Ort relevant.", "label": "relevanz",
     "presentation": rated_presentation()},
    {"name": "Die Referentin / der Referent hat die Inhalte verständlich vermittelt.", "label": "vermittlung",
     "presentation": rated_presentation()},
    {"name": "Wie haben Sie von dem Workshop erfahren?", "label": "kanal", "typ": "multichoice", "required": False,
     "presentation": "r>>>>>Newsletter|Kolleginnen und Kollegen|Website|Soziale Medien|Sonstiges"},
    {"name": "Was möchten Sie uns sonst noch mitteilen?", "label": "freitext", "typ": "textarea",
     "presentation": "60|5", "required": False},
)
ANONYMOUS_ITEMS = (
    {"name": "Das Tempo des Workshops ist angemessen.", "label": "tempo", "presentation": rated_presentation()},
    {"name": "Ich fühle mich in der Gruppe wohl.", "label": "gruppe", "presentation": rated_presentation()},
    {"name": "Was sollten wir am zweiten Workshop-Tag ändern?", "label": "aenderung", "typ": "textarea",
     "presentation": "40|20", "required": False},
)
STUDENTS = (
    ("anna.schmidt", "Anna", "Schmidt", "Berlin"), ("lukas.mueller", "Lukas", "Müller", "Potsdam"),
    ("sophie.wagner", "Sophie", "Wagner", "Leipzig"), ("jonas.becker", "Jonas", "Becker", "Dresden"),
    ("lea.hoffmann", "Lea", "Hoffmann", "Magdeburg"), ("felix.schaefer", "Felix", "Schäfer", "Erfurt"),
    ("marie.koch", "Marie", "Koch", "Rostock"), ("paul.richter", "Paul", "Richter", "Halle (Saale)"),
    ("emma.klein", "Emma", "Klein", "Cottbus"), ("leon.wolf", "Leon", "Wolf", "Jena"),
)
# userid -> (zufriedenheit, relevanz, vermittlung, kanal, freitext), as recorded in 060
EVALUATION_ANSWERS = {
    5: ("5", "5", "5", "1", "Sehr praxisnah, vor allem die Beispiele aus kleinen Gemeinden."),
    6: ("4", "4", "5", "2", "Mehr Zeit für den Austausch in Kleingruppen wäre schön."),
    7: ("4", "5", "4", "3", None),
    8: ("3", "3", "4", "1", "Der Teil zum Haushaltsrecht war mir zu knapp."),
    9: ("5", "4", "5", "4", "Gerne eine Fortsetzung zum Thema digitale Beteiligung!"),
    10: ("2", "3", "3", "5", "Die Räumlichkeiten waren zu klein, die Technik hat nicht funktioniert."),
    11: ("4", "4", "4", "2", "Insgesamt gut organisiert, danke an das Team."),
}
# (random order number, tempo, gruppe, aenderung), attempts 8–12 as recorded in 061
ANONYMOUS_ANSWERS = (
    (5, "4", "5", "Mehr Pausen einplanen."), (3, "3", "4", "Etwas langsamer bei den rechtlichen Grundlagen."),
    (1, "5", "5", None), (4, "2", "3", "Mehr Praxisbeispiele statt Folien."), (2, "4", "4", "Alles prima so."),
)
RESPONSE_TIME = 1795593746


def _workshop_course(fake: FakeMoodle, course: Course, *, run: bool) -> None:
    """The activities of the master and of its run (which adds the anonymous survey and, on 5.0, a questionnaire)."""
    for section, (_, summary) in zip(fake.site.course_sections(course.id)[1:], SECTIONS, strict=True):
        section.summary = summary
    news = fake.news_forum(course.id)
    news.name, news.intro = "Ankündigungen", "Allgemeine Neuigkeiten und Ankündigungen"
    fake.add_module(course.id, "page", "Willkommen im Workshop", section=1, completion=2,
                    completion_rule="completionview")
    fake.add_forum(course.id, "Austauschforum", section=2,
                   intro="<p>Hier tauschen Sie sich über Erfahrungen aus Ihrer Kommune aus.</p>")
    fake.add_assign(course.id, "Praxisaufgabe", section=3,
                    intro="<p>Entwickeln Sie eine Skizze für ein Beteiligungsformat in Ihrer Kommune (max. 2 Seiten):"
                          " Anlass, Zielgruppe, Ablauf, benötigte Ressourcen.</p>")
    evaluation = fake.add_feedback(
        course.id, "Evaluation", anonymous=False, items=EVALUATION_ITEMS, section=4, completion=True,
        intro="<p>Bitte bewerten Sie den Workshop. Ihre Antworten helfen uns, das Angebot zu verbessern.</p>",
        page_after_submit="<p>Vielen Dank für Ihre Rückmeldung!</p>",
    )
    course.completion_cmids = [fake.site.cm_for("feedback", evaluation.id).id]
    if run:
        fake.add_feedback(
            course.id, "Anonyme Zwischenbefragung", anonymous=True, items=ANONYMOUS_ITEMS, section=2,
            intro="<p>Kurze anonyme Zwischenbefragung nach dem ersten Workshop-Tag.</p>",
            page_after_submit="<p>Danke!</p>", autonumbering=False,
        )
        if fake.version == "5.0":  # mod_questionnaire is a plugin only the 5.0 site has
            fake.add_module(course.id, "questionnaire", "Erwartungsabfrage", section=1)


NO_CAPABILITY_TOKEN = "fake-token-nocap-0123456789"  # user 4: only webservice/rest:use (files 078, 079, 096)


def seed_contract_site(fake: FakeMoodle) -> None:
    fake.add_user("wsnocap", "Read", "Only", user_id=4)
    fake.add_token(NO_CAPABILITY_TOKEN, 4)
    workshops = fake.add_category(
        "Workshops", "bip-workshops",
        description="<p>Workshop-Reihen des Bildungsprogramms (Vorlagen und Durchgänge).</p>",
    )
    master = fake.add_course(
        "Vorlage: Kommunalpolitik & Zivilgesellschaft", "TPL-KOMMUNE-ZIVIL", category=workshops.id,
        idnumber="bip-tpl-kommune-zivil", section_names=[name for name, _ in SECTIONS], startdate=1767225600,
        summary="<p>Master-Kurs (Vorlage) für den Workshop <strong>„Kommunalpolitik &amp; Zivilgesellschaft“</strong>. "
                "Aus dieser Vorlage werden die einzelnen Durchgänge erzeugt.</p>",
    )
    _workshop_course(fake, master, run=False)
    run = fake.add_course(
        "Kommunalpolitik & Zivilgesellschaft – Durchgang 2026-01", "KVZ-2026-01", category=workshops.id,
        idnumber="bip-kvz-2026-01", section_names=[name for name, _ in SECTIONS], startdate=1768780800,
        enddate=1774569600,
        summary="<p>Durchgang 2026-01 des Workshops <strong>„Kommunalpolitik &amp; Zivilgesellschaft“</strong> "
                "(19.01.–27.03.2026, Präsenz und online).</p>",
    )
    _workshop_course(fake, run, run=True)

    for offset, (username, first, last, city) in enumerate(STUDENTS):
        fake.add_user(username, first, last, user_id=5 + offset, institution=f"Stadtverwaltung {city}",
                      idnumber=f"bip-tn-{offset + 1:04d}", city=city, country="DE", timezone="Europe/Berlin")
    for offset, (username, first, last) in enumerate((("katrin.bauer", "Katrin", "Bauer"),
                                                      ("thomas.neumann", "Thomas", "Neumann"))):
        fake.add_user(username, first, last, user_id=15 + offset, institution="Stadtverwaltung Berlin",
                      idnumber=f"bip-ref-{offset + 1:04d}", city="Berlin", country="DE", timezone="Europe/Berlin")
    fake.site.reserve_id("user", 17)
    for userid in range(5, 15):
        fake.enrol(userid, run.id, "student")
    fake.enrol(15, run.id, "editingteacher")
    fake.enrol(16, run.id, "editingteacher")
    fake.add_group(run.id, "Gruppe A – Verwaltung", idnumber="kvz-2026-01-a", members=[5, 6, 7, 8, 9, 15],
                   description="Teilnehmende aus Kommunalverwaltungen")
    fake.add_group(run.id, "Gruppe B – Zivilgesellschaft", idnumber="kvz-2026-01-b", members=[10, 11, 12, 13, 14, 16],
                   description="Teilnehmende aus Vereinen und Initiativen")

    general = next(f for f in fake.site.instances["forum"].values()
                   if f.course == run.id and isinstance(f, Forum) and f.type == "general")
    fake.add_discussion(general.id, "Erfahrungen aus der eigenen Kommune",
                        "<p>Welche Beteiligungsformate gibt es bei Ihnen?</p>", userid=15, replies=2)
    assign = next(a for a in fake.site.instances["assign"].values() if a.course == run.id)
    for userid, town in ((5, "Berlin"), (7, "Leipzig"), (9, "Magdeburg")):
        fake.add_submission(assign.id, userid,
                            f"<p>Skizze: Bürgerhaushalt für {town} – Anlass, Zielgruppe, Ablauf, Ressourcen.</p>")

    evaluation, anonymous = sorted((f for f in fake.site.instances["feedback"].values() if f.course == run.id),
                                   key=lambda f: f.id)
    named_labels = [str(item["label"]) for item in EVALUATION_ITEMS]
    for userid, named_answers in EVALUATION_ANSWERS.items():
        fake.add_feedback_attempt(evaluation.id, dict(zip(named_labels, named_answers, strict=True)), userid=userid,
                                  timemodified=RESPONSE_TIME)
    anonymous_labels = [str(item["label"]) for item in ANONYMOUS_ITEMS]
    for number, *anonymous_answers in ANONYMOUS_ANSWERS:
        fake.add_feedback_attempt(anonymous.id, dict(zip(anonymous_labels, anonymous_answers, strict=True)),
                                  random_response=number, timemodified=RESPONSE_TIME)
    for userid in EVALUATION_ANSWERS:
        fake.set_completion(run.id, userid, timecompleted=RESPONSE_TIME)
