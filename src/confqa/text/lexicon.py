"""Every English word list that talk detection reads, in one place: what kinds of talk are called, how tables
label their columns, how notes introduce speakers, and which capitalised words are never part of a person's
name. Words, not patterns fitted to one note: each list is what English notes in general use."""

from __future__ import annotations

import re

# What a note calls a kind of talk -> the kind confqa records.
KIND_WORDS = {
    "invited talk": "invited talk",
    "invited keynote": "invited talk",
    "kickoff": "invited talk",
    "invited": "invited talk",
    "kick-off": "invited talk",
    "opening talk": "invited talk",
    "closing talk": "invited talk",
    "demo": "demo",
    "lightning": "lightning talk",
    "keynote": "invited talk",
    "keynote talk": "invited talk",
    "keynote address": "invited talk",
    "plenary": "invited talk",
    "plenary talk": "invited talk",
    "tutorial": "tutorial",
    "tutorial talk": "tutorial",
    "panel": "panel",
    "panel discussion": "panel",
    "fireside chat": "panel",
    "workshop": "workshop",
    "expo workshop": "workshop",
    "expo session": "expo",
    "expo talk": "expo",
    "expo": "expo",
    "oral": "oral",
    "oral presentation": "oral",
    "spotlight": "oral",
    "poster": "paper",
    "paper": "paper",
    "talk": "talk",
    "lightning talk": "lightning talk",
    "presentation": "talk",
    "lecture": "talk",
    "session": "session",
    # A session where the audience works along is a tutorial; a workshop that says so stays a workshop.
    "hands-on": "tutorial",
    "hands-on workshop": "workshop",
    "hands-on session": "tutorial",
    # 'LT1: Title': the usual short form of a lightning talk (common in Japanese and Korean meetup notes).
    "lt": "lightning talk",
    # The same kinds in other European languages notes are written in (German, Portuguese, Spanish, French,
    # Italian, Dutch): 'Vortrag' and 'Palestra' are talks, 'Painel' and 'Table ronde' panels, 'Taller' and
    # 'Oficina' workshops.
    "vortrag": "talk",
    "palestra": "talk",
    "ponencia": "talk",
    "charla": "talk",
    "conferencia": "talk",
    "intervento": "talk",
    "lezing": "talk",
    "paneldiscussie": "panel",
    "openingskeynote": "invited talk",
    "painel": "panel",
    "panel de discusión": "panel",
    "podiumsdiskussion": "panel",
    "podiumsgespräch": "panel",
    "mesa redonda": "panel",
    "table ronde": "panel",
    "tavola rotonda": "panel",
    "taller": "workshop",
    "oficina": "workshop",
    "atelier": "workshop",
    "blitzlicht": "lightning talk",
    # German 'Hauptvortrag' (the main talk, a keynote) and 'Kurzvortrag' (a short talk).
    "hauptvortrag": "invited talk",
    "kurzvortrag": "lightning talk",
    "relâmpago": "lightning talk",
}

# Kind words searched inside a heading or a title, most specific first (a "panel at the workshop" is a panel).
KIND_IN_HEADING = (
    ("invited", "invited talk"), ("keynote", "invited talk"), ("plenary", "invited talk"), ("tutorial", "tutorial"),
    ("panel", "panel"), ("fireside", "panel"), ("workshop", "workshop"), ("oral", "oral"), ("expo", "expo"),
    ("spotlight", "oral"), ("poster", "paper"), ("paper", "paper"), ("lightning", "lightning talk"), ("talk", "talk"),
    ("session", "session"), ("painel", "panel"), ("podiumsdiskussion", "panel"), ("mesa redonda", "panel"),
    ("table ronde", "panel"), ("oficina", "workshop"), ("vortrag", "talk"),
    ("palestra", "talk"), ("ponencia", "talk"), ("lezing", "talk"), ("paneldiscussie", "panel"),
)
KIND_IN_TITLE = (
    ("workshop", "workshop"), ("panel", "panel"), ("pannel", "panel"), ("fireside", "panel"), ("tutorial", "tutorial"),
    ("keynote", "invited talk"), ("invited", "invited talk"), ("plenary", "invited talk"), ("oral", "oral"),
    ("expo", "expo"), ("hands-on", "tutorial"), ("painel", "panel"), ("mesa redonda", "panel"), ("table ronde", "panel"),
    ("oficina", "workshop"),
)
# Words that join a title to its speaker, in the languages notes are written in. 'by': English 'by', German 'von',
# French 'par', Spanish and Portuguese 'por', Dutch 'door', Italian 'di' ('Title von Jane Doe'). 'with': English
# 'with', German 'mit', Spanish and Italian 'con', Portuguese 'com', French 'avec', Dutch 'met', Polish 'z' ('Title
# mit Jane Doe'); a 'with' names the speaker only after a kind of talk or a quoted title ('Coffee with Jane Doe' is
# no talk). What follows either must be only people for the title to end there ('Feature Flags with Unleash').
BY_WORDS = ("by", "von", "par", "por", "door", "di")
WITH_WORDS = ("with", "mit", "con", "com", "avec", "met", "z")
# Words that make a presenter line name a group of people rather than a person ('Presenter: SRE team'): the talk
# was given, its speakers are not named.
GROUP_WORDS = frozenset({"team", "teams", "squad", "guild", "crew", "tribe", "group", "folks", "department", "devs",
                         "engineers"})
# Words that say a paragraph is about a talk (a possessive "Mitchell's" near one of them names the speaker).
TALK_WORDS = ("talk", "tutorial", "keynote", "panel", "workshop", "session", "oral", "lecture", "presentation")
# Words of a sentence that speaks of a talk (a regular expression over lower-case text).
PROSE_TALK_WORDS = (r"\b(?:talks?|keynotes?|tutorials?|panels?|panell?ists?|workshops?|sessions?|slot|orals?|posters?|"
                    r"lectures?|presentations?|present(?:s|ed|ing)?|spoke|speaks?|speaking|titled|called|opened|"
                    r"closed|demo(?:ed)?|invited|moderated)\b")
# Words before a marked title that make it a book, paper or article rather than a talk.
MEDIA_WORDS = re.compile(r"\b(?:book|novel|paper|article|blog(?: post)?|essay|rfc|thesis|film|podcast|episode|"
                         r"newsletter)\W*$", re.I)
# Words anywhere before a marked title in its sentence that make it something read, not a talk: 'Book he
# recommended: *Title*', 'reading *Title*', 'Luka recommended *Title* by Author'.
READING_WORDS = re.compile(r"\b(?:book\w*|novels?|reading|read|reads|re-reading|recommended|recommends|"
                           r"recommendation|library|bought|author of)\b", re.I)
# What a note says when it does not know who gave a talk: 'didn't catch his name', 'speaker unknown'.
UNKNOWN_SPEAKER = re.compile(r"\b(?:didn'?t|did not|couldn'?t|could not|never)\s+(?:get|catch|write down|note|hear|see)\b|"
                             r"\b(?:speaker|presenter|name)\s+(?:unknown|not (?:given|listed|announced))|"
                             r"\bforgot (?:his|her|their|the speaker'?s) name|\bno idea who\b|"
                             r"\b(?:don'?t|do not|didn'?t|did not)\s+(?:even\s+)?know\s+who\b|\b(?:not sure|unclear) who\b",
                             re.I)
# What a note says when it does not know who: a speaker it did not catch, a slot still to be confirmed, a talk
# given anonymously ('Speaker to be confirmed', 'TBA', 'whose name I did not catch', '(anonymous, see note)').
NO_NAME = re.compile(UNKNOWN_SPEAKER.pattern + r"|\bto be (?:confirmed|announced|determined|decided)\b|\btb[acd]\b|"
                     r"\b(?:anonymous|unnamed|undisclosed)\b|\bname (?:withheld|not (?:given|shared|known))\b", re.I)
# What a note says when the figure or result asked for was not given: "(Results unpublished. Legal reasons.)", "No
# before/after numbers in this one.", "she wouldn't share exact numbers", "the winner was not announced", "I didn't copy
# the numbers down", "pointed to a handout".
NOT_GIVEN = re.compile(
    r"\b(?:results?|numbers?|figures?|scores?|winners?|data|details|metrics|benchmarks?)\s+(?:were\s+|are\s+|was\s+|"
    r"is\s+)?(?:unpublished|not (?:yet )?(?:published|disclosed|shared|given|announced|released|public)|withheld|"
    r"undisclosed)\b|"
    r"\b(?:didn['’]?t|did not|wouldn['’]?t|would not|couldn['’]?t|could not|can['’]?t|cannot|won['’]?t|will not|"
    r"refused to|declined to)\s+(?:share|give|publish|disclose|reveal|show|quote|name|copy|write|note|jot|catch|"
    r"get|record|take)\s+(?:down\s+)?(?:any\s+|the\s+|their\s+|"
    r"his\s+|her\s+|its\s+|exact\s+|hard\s+)*(?:[\w-]+\s+)?(?:numbers?|figures?|results?|details|data|metrics|prices?|"
    r"pricing|costs?|budgets?|revenue|salar(?:y|ies))\b|"
    r"\bno (?:[\w/-]+ )?(?:numbers|figures|results|data)\s+(?:in this one|were (?:given|shared|shown)|given|shared)\b|"
    # the figures are somewhere the writer did not copy from: "pointed to a handout", "the numbers are in the paper"
    r"\bpointed (?:us |people |everyone |the audience )?to (?:a|the|her|his|their) (?:handout|paper|slides|appendix|"
    r"website|repo|blog post)\b|\b(?:numbers|figures|results|details) (?:are|were|is) (?:only )?in the (?:paper|"
    r"handout|slides|appendix)\b|"
    # "she had no figures for that", and in the notes' other languages: "daar had ze geen cijfers voor", "keine
    # Zahlen genannt", "no dio cifras", "pas de chiffres", "sem números", "nessun dato"
    r"\b(?:had|has|have) no (?:[\w/-]+ )?(?:numbers|figures|results|data)\b|\bgeen (?:cijfers|getallen|resultaten)\b|"
    r"\bkeine (?:Zahlen|Ergebnisse|Daten)\b|\b(?:sin|no (?:dio|dieron|tenía|tenían|hay)) (?:cifras|datos|resultados)\b|"
    r"\bpas de (?:chiffres|résultats|données)\b|\bsem (?:números|dados|resultados)\b|\bnessun (?:dato|numero|risultato)\b",
    re.I)
# What a note says when a speaker left a question open: "someone asked about Delta; she politely dodged", "she
# wouldn't say which browser was the safe one", "Wie misst man DQ? → keine gute Antwort".
EVADED = re.compile(r"\b(?:dodged|sidestepped|evaded|(?:didn['’]?t|did not|wouldn['’]?t|would not|refused to|declined "
                    r"to)\s+(?:answer|say|comment|tell)|no (?:good |real |clear |straight )?answer|keine (?:gute |klare )?"
                    r"antwort|sin respuesta|sem resposta|pas de (?:vraie |bonne )?réponse)\b", re.I)
# What a clause says a speaker kept back, of the thing it names: "the figure was not something he could share",
# "the tokenizer was not named on the slides", "Demir declined to name the tool".
WITHHELD = re.compile(r"\b(?:(?:didn['’]?t|did not|wouldn['’]?t|would not|refused to|declined to|couldn['’]?t|could not|"
                      r"can['’]?t|cannot)\s+(?:name|share|disclose|reveal)|not something (?:\w+ ){0,2}could "
                      r"(?:share|say|disclose)|(?:was|were|is|are) (?:deliberately )?(?:not|never) (?:named|disclosed|"
                      r"revealed|identified)|(?:left|kept) (?:unnamed|anonymous))\b", re.I)
# A clause saying a result is not known yet: "Long-term retention is not measured yet", "No data yet on whether the
# indicators help", "too early to tell", "hasn't been tested".
NOT_KNOWN_YET = re.compile(r"\b(?:(?:is|are|was|were|has|have)\s+not\s+(?:yet\s+)?(?:been\s+)?|(?:hasn['’]?t|haven['’]?t|"
                           r"isn['’]?t|aren['’]?t)\s+(?:yet\s+)?(?:been\s+)?|not\s+yet\s+)(?:measured|known|tested|"
                           r"evaluated|studied|quantified|analy[sz]ed)\b|\bno (?:data|numbers|results|figures) yet\b|"
                           r"\btoo early to (?:tell|say)\b", re.I)
# A chat export's message header alone on its line ("**priya** 9:05 AM", "Mira K. 14:03"), and one that opens its
# message's line ("[14:03] mira.k: …").
CHAT_HEADER_LINE = (r"^[*_@]{0,2}(?!(?i:time|date|when|start|starts|end|ends|doors|lunch|break|coffee|dinner)\b)"
                    r"[\w.'’ -]{1,40}?[*_]{0,2}\s+\[?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?\]?\s*$")
CHAT_HEADER = CHAT_HEADER_LINE + r"|^\[\d{1,2}:\d{2}\]\s*[\w.'’ -]{1,40}:"
# What a note says when an event's dates or place are not fixed yet: "No dates yet", "the venue is not fixed
# either", "Dates: TBA". It answers no when- or where-question about them (`answer.unanswered.not_given`).
_NOT_SET_STATE = (r"(?:(?:(?:is|are|was|were|has|have)\s+)?(?:not|still not|yet to be)|(?:is|are|has|have)n['’]t)\s+"
                  r"(?:yet\s+)?(?:been\s+)?(?:fixed|set|confirmed|announced|known|decided|final(?:i[sz]ed)?|published|"
                  r"chosen|selected|booked)\b")
_NOT_SET_MARK = r"(?:\s*[:—–-]\s*|\s+(?:is|are)\s+)(?:TBA|TBD|TBC|to be (?:announced|confirmed|decided))\b"
NOT_SET = {
    kind: re.compile(rf"\bno (?:exact |firm |fixed )?{words} (?:yet|set|fixed|announced|confirmed)\b|"
                     rf"\b{words}\s+(?:either\s+)?{_NOT_SET_STATE}|\b{words}{_NOT_SET_MARK}", re.I)
    for kind, words in (("when", r"(?:dates?|days?|schedule)"), ("where", r"(?:venue|location|city|place)"))
}
# A question asking for an outcome: who won, which did best, what the result was.
OUTCOME_ASKED = (r"\b(?:won|wins?|winners?|winning|best|most|highest|lowest|top|results?|outcomes?|beat|outperform\w*|"
                 r"came (?:first|out ahead))\b")
# Headings of sections that list books, papers or chores rather than talks.
NON_TALK_SECTIONS = re.compile(
    r"\bread\??\s*$|(?:^|\W)(?:à|a) lire\b|\bzu lesen\b|\bpara leer\b|"
    r"\b(?:reading|further reading|references?|bibliography|resources|links|books?|bookshelf|papers? (?:i|to) "
    r"(?:want to )?read|to read|to watch|watch list|podcasts?|to-?do|follow[- ]?ups?|things to do|action items|"
    r"recommended|recommendations)\b|"
    # the same in other languages: 'Lesestoff', 'Literatur' (German), 'pra ler' and 'leituras' (Portuguese),
    # 'lecturas' (Spanish), 'Empfehlungen' and 'recomendações' (recommendations)
    r"\b(?:lesestoff|leseliste|literatur|empfehlungen|(?:para|pra) ler|leituras?|lecturas|recomenda[çc](?:ões|oes)|"
    r"recomendaciones|lectures? (?:recommandées|conseillées))\b", re.I)
# A kind that is too common after "the" to mean a talk ("the paper 'X'").
TOO_COMMON_AFTER_THE = ("paper", "talk", "session", "presentation")

# Labels that introduce who gave a talk: "Speaker: Jane Doe", "**Presented by** Jane Doe".
PRESENTER_LABELS = (
    "presenters", "presenter", "speakers", "speaker", "presented by", "panelists", "panellists", "panelist",
    "panellist", "panel", "moderator", "moderated by", "mod", "organizers", "organisers", "organizer", "organiser",
    "hosts", "host", "hosted by", "who", "guest", "guests", "in conversation with", "authors", "author", "given by", "delivered by", "instructors", "instructor",
    "lecturers", "lecturer",
    # The same labels in other languages: 'Moderation:' and 'Podium:' or 'Auf dem Podium:' (German), 'mediação:' and 'palestrante:'
    # (Portuguese), 'moderador:' and 'ponentes:' (Spanish), 'animé par' (French), 'Referent:' (German).
    "moderation", "moderação", "mediação", "mediador", "mediadora", "moderador", "moderadora", "moderación",
    "podium", "auf dem podium", "on the podium", "on stage", "palestrantes", "palestrante", "ponentes", "ponente", "animé par", "animée par", "animateur",
    "animatrice", "referenten", "referentin", "referent", "sprecher", "sprecherin", "intervenants", "intervenant",
    # German 'Leitung:' (who leads a workshop or a session; 'Tagungsleitung' ran the event and is no label here).
    "leitung",
    # Dutch: 'Spreker:', 'Begeleiders:' (a workshop's), 'Panelleden:', 'Gespreksleider:'.
    "sprekers", "spreker", "begeleiders", "begeleider", "panelleden", "panellid", "gespreksleider", "presentatie door",
)
# Labels that name a panel's people but no one else's: the chair of a panel is its moderator, but the chair of a
# session of talks only ran it; 'With: A, B' (French 'Avec', German 'Mit', Portuguese 'Com', Spanish 'Con', Dutch
# 'Met') under a panel lists its panellists, elsewhere whom the writer came with; so does 'Participants:'
# ('Participantes:', 'Panelistas:', Portuguese 'Painelistas:'), which elsewhere counts a workshop's attendees.
PANEL_LABELS = ("chair", "chaired by", "with", "avec", "mit", "com", "con", "met", "participants", "participantes",
                "panelistas", "painelistas", "painelista", "partecipanti")
# Words of a byline that say who wrote the note rather than who spoke: 'Written by …', '· 7 min read'.
AUTHOR_LINE_WORDS = ("written by", "posted by", "posted on", "published", "min read", "minute read", "on behalf of",
                     "updated", "staff engineer", "editor", "blog")
# What a schedule's speaker cell says when nobody in particular presents: 'Organisers', 'TBA', 'see below'.
NOBODY = frozenset({"organisers", "organizers", "organising", "organizing", "committee", "chairs", "tba", "tbd",
                    "all", "everyone", "various", "see", "below", "above", "n/a", "none", "—", "-"})
# Words of a paragraph that say it is about a panel, in the languages of PANEL_LABELS: 'La mesa redonda fue moderada
# por …, con la participación de …', 'moderiert von', 'animée par'.
PANEL_SAID = ("panel", "moderated by", "moderator", "featuring", "mesa redonda", "moderada por", "moderado por",
              "table ronde", "animée par", "animé par", "podiumsdiskussion", "moderiert von", "tavola rotonda",
              "moderata da", "painel", "debate")
# Words that report a question from the audience: whoever they name asked, and gave no talk ('Audience question
# from Jane Doe', '**Frage aus dem Publikum** (Jane Doe, Org)', 'asked by Jane Doe', 'question du public').
AUDIENCE_QUESTION = (r"\b(?:audience\s+questions?|questions?\s+from|q\s+from|asked\s+by|from\s+the\s+floor|"
                     r"frage\s+aus\s+dem\s+publikum|publikumsfragen?|fragen?\s+von|question\s+(?:du\s+public|de\s+la\s+"
                     r"salle)|pregunta\s+del\s+público|pergunta\s+d[ao]\s+(?:plateia|público)|vraag\s+uit\s+de\s+zaal)\b")

# Table columns: which header names a title, the speakers, a summary, the kind of talk.
TITLE_HEADERS = ("title", "talk", "session", "paper", "tutorial", "presentation", "keynote", "name", "topic", "what",
                 "titel", "volledige titel", "titel in het programma", "full title", "official title")
SPEAKER_HEADERS = ("speaker", "presenter", "author", "panelist", "panellist", "host", "organizer", "organiser", "by",
                   "who", "presented by", "instructor")
NOTES_HEADERS = ("note", "notes", "summary", "description", "abstract", "key points", "takeaway", "takeaways",
                 "highlights", "key idea", "tl;dr", "tldr")
# The column names of a key-value table, whose rows read "Venue: Älvrummet Congress Hall" rather than "Field: Venue;
# Value: …" (no names at all is the commonest).
KEY_VALUE_HEADERS = frozenset({"", "field", "value", "key", "property", "attribute", "item", "detail", "details",
                               "info", "information", "fact", "facts", "what", "veld", "waarde", "feld", "wert",
                               "campo", "valor", "champ", "valeur"})
TYPE_HEADERS = ("type", "kind", "format", "track", "category")
# The header of a table column that numbers its rows ('| # | Date | Speaker |'), lowercased.
ROW_NUMBER_HEADER = re.compile(r"(?:#|№|no\.?|nr\.?|num\.?|number|id)")

# Words a title in title case leaves in lower case ('Retrofitting Bounds Checks into a C Codebase').
TITLE_SMALL_WORDS = frozenset({
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of", "on", "to", "up",
    "via", "per", "vs", "into", "onto", "from", "with", "over", "than", "upon", "off", "out", "is", "are", "be", "it",
    "its", "not", "no", "we", "what", "how", "why", "s",
})
# Short words ignored when titles are compared.
TITLE_STOP = frozenset({
    "a", "an", "the", "of", "on", "in", "and", "or", "for", "to", "with", "by", "at", "from", "is", "are", "we",
    "what", "how", "why", "its", "it", "as", "be", "md", "s",
})
# Words too common in highlights to tie a highlight to one talk.
GENERIC_TOPIC = frozenset({"ai", "models", "model", "talk", "learning", "still", "new", "key", "insights", "data"})
# Words that begin a sentence rather than a name ("The talk's", "This tutorial's").
NOT_A_SUBJECT = frozenset({"The", "This", "That", "Our", "My", "Their", "His", "Her", "It", "Its", "Your", "One",
                           "Each", "Every", "A", "An", "Another", "Today", "Yesterday"})

# Titles written before a person's name: a question's "Dr. Lena Vogt" names Lena Vogt.
HONORIFICS = frozenset("dr mr mrs ms mx prof professor sir dame herr frau señor señora sr sra".split())
# Name particles: lower-case words inside a person's name ("Ana de la Cruz", "Pieter van den Berg").
NAME_PARTICLES = frozenset({
    "de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "le", "van", "von", "ter", "ten",
    "bin", "ibn", "al", "el", "y", "st", "zu", "af", "av",
})
# Capitalised words that make a phrase an organisation, a place or a topic rather than a person.
ORGANISATION_WORDS = frozenset({
    "university", "universität", "université", "universidad", "college", "institute", "institut", "school",
    "academy", "lab", "labs", "laboratory", "research", "inc", "ltd", "llc", "corp", "corporation", "company",
    "group", "team", "foundation", "federation", "initiative", "union", "federatie", "center", "centre", "department", "dept", "ai", "deepmind", "openai", "google",
    "meta", "microsoft", "amazon", "apple", "nvidia", "ibm", "intel", "anthropic", "facebook", "alibaba", "baidu",
    "tencent", "huawei", "samsung", "adobe", "salesforce", "uber", "netflix", "spotify", "mit", "cmu", "eth",
    "epfl", "ucla", "stanford", "berkeley", "harvard", "oxford", "cambridge", "mila", "inria", "nyu", "kaist",
    "tsinghua", "hospital", "clinic", "agency", "ministry", "council", "association", "society", "consortium",
    "network", "systems", "technologies", "technology", "capital", "partners", "ventures", "bank", "global",
    "international", "national", "startup", "analytics", "consulting", "solutions", "software", "gmbh", "ag",
    "bv", "ltda", "cloud", "games", "studio", "studios", "labor", "compilers", "robotics", "security", "media",
    "health", "logistics", "digital", "industries", "services", "works", "srl",
    # the same words in other languages: 'Istituto Nazionale di Geofisica', 'Fundación Leer Sin Barreras'
    "istituto", "instituto", "università", "universitat", "universidade", "hochschule", "akademie", "academia",
    "fundación", "fundação", "fondazione", "stiftung", "nazionale", "nacional", "centro", "laboratorio",
    "laboratoire", "museo", "museum", "consejo", "conselho", "ministerio", "ministério", "câmara", "municipal",
    "music", "records", "publishing", "commerce", "payments", "pay", "insurance", "energy", "motors", "airlines",
})
# Words that open the name of a room or a venue, never a person's ("Salle Bleue", "Sala Verde", "Hall Nord").
VENUE_WORDS = frozenset({"room", "hall", "salle", "sala", "saal", "aula", "auditorium", "stage", "theatre", "theater",
                         "salon", "zaal", "raum", "casa", "café", "cafe", "restaurant", "hotel", "bar", "pub"})
# A role and the organisation it is held at, after a name ("Diego Salvatierra, arquitecto de pagos en Tesela Pay",
# "Ana Lee, staff engineer at Acme Bank"): lowercase role words, then a preposition of affiliation; what follows is
# an organisation, not another person of the list.
ROLE_AT = (r"(?<![\w'’-])[a-zà-ÿ][\w'’-]*(?:\s+[a-zà-ÿ][\w'’-]*)*\s+(?:at|en|bei|chez|em|presso|bij|hos|för|w|@)\s+"
           r"[^,;()]*")
# Capitalised words common in headings and titles that are never a person's given name or surname. Topic words of
# machine learning and conferences, and the days, months and parts of a programme.
# Words of a job title, capitalised in a signature or a byline ("Senior Backend Engineer", "Staff Engineer",
# "Engineering Manager"): a pair of them is no person.
JOB_WORDS = frozenset("""senior junior staff principal lead backend frontend fullstack engineer engineers engineering
manager managers director head chief officer intern architect developer developers designer scientist analyst
consultant""".split())
NOT_NAME_WORDS = frozenset("""
ai ml llm llms nlp cv rl gpu gpus api apis talk talks tutorial tutorials keynote panel panels workshop workshops
session sessions oral orals poster posters paper papers day days week track tracks part parts section sections
introduction intro overview summary summaries conclusion conclusions takeaways takeaway highlights highlight notes
note key main open closing opening remarks q qa discussion discussions questions question answers answer lessons
learning learned machine deep reinforcement supervised unsupervised self model models modeling modelling language
languages large small vision visual robot robots robotic robotics policy policies diffusion transformer
transformers attention network networks neural graph graphs data dataset datasets benchmark benchmarks
benchmarking evaluation evaluations evaluating metric metrics reasoning planning agent agents agentic
generative generation inference training scaling scale safety alignment fairness privacy security robustness
interpretability explainability explainable causal causality optimization optimisation theory theoretical
systems system hardware software compute efficient efficiency sparse sparsity memory retrieval search ranking
recommendation recommender recommenders multimodal foundation foundations frontier future past present state
art trends trend new old next first second third final best worst big bigger tiny world worlds real time
merging methods method imitation autoregressive tokens token prediction science scientific math mathematics
physics chemistry biology health medical medicine climate energy education ethics law policy society social
economics finance industry product products production deployment engineering infrastructure cloud edge
mobile web online offline open source community communities keynotes invited spotlight spotlights expo
morning afternoon evening monday tuesday wednesday thursday friday saturday sunday january february march
july september october november december spring summer autumn fall winter
towards toward beyond against without within across between over under after before about from into onto
san santa los las saint fort port mount lake north south east west upper lower greater hong kuala rio buenos tel
abu hotel airport station convention centre center
the a an of for and or but nor in on at to by with as is are was were be this that these those what why how
when where who which while our your their my his her its we you they it i not no yes all any some every each
""".split())
# Given names that are also ordinary English words: a phrase that begins with one can still be a person ("Max
# Simchowitz", "Rich Sutton") although the notes use the word in lower case too.
WORD_GIVEN_NAMES = frozenset("""
max rich mark will bill frank grace hope rose jack dean drew chase faith joy june may april august summer ray
sky sage rob pat sue art bob don gene carol herb nick sunny lily ivy iris violet dawn amber ruby pearl jade
crystal hunter mason carter cooper taylor parker hunter page miles rex earl duke king prince angel victor
buck cliff clay dale glen heath forest brook river reed rod wade cole lance grant penny holly ginny pansy
""".split())

# -- questions -------------------------------------------------------------------------------------------------
# How English questions ask for each kind of answer (confqa.answer.intents). Each is a pattern over the
# lower-cased question; the first that matches, in confqa.answer.intents.ORDER, decides the intent.
PEOPLE_NOUNS = (r"(?:speakers?|presenters?|persons?|people|researchers?|authors?|panell?ists?|moderators?|hosts?|"
                r"organi[sz]ers?|keynoters?|lecturers?|instructors?|scientists?|engineers?|team)")
# Nouns that count people: "how many people attended" is answered by "15,000 researchers" or "about 55 attendees"
# as well as by "1,400 people".
PEOPLE_COUNTS = frozenset("""people persons attendees attendance participants researchers engineers delegates
registrants registrations visitors audience members students developers scientists practitioners speakers folks
rsvps attendants guests""".split())
# Units of time: "two days" is how long something lasted, not how many of the asked things there were.
# The units a question can name its answer in ("what exposure limit in dB", "which batch size in GB"), each with the
# words notes write it in after a number (lower case; "85dB" counts too).
UNITS = {
    "db": ("db", "dba", "decibel", "decibels"), "ms": ("ms", "millisecond", "milliseconds", "msec"),
    "seconds": ("s", "sec", "secs", "second", "seconds"), "minutes": ("min", "mins", "minute", "minutes"),
    "hours": ("h", "hr", "hrs", "hour", "hours"), "gb": ("gb", "gib", "gigabyte", "gigabytes"),
    "mb": ("mb", "mib", "megabyte", "megabytes"), "tb": ("tb", "tib", "terabyte", "terabytes"),
    "kb": ("kb", "kib", "kilobyte", "kilobytes"), "%": ("%", "percent", "pct"), "dollars": ("$", "usd", "dollars"),
    "euros": ("€", "eur", "euros"), "kwh": ("kwh",), "watts": ("w", "watt", "watts"), "hz": ("hz",), "khz": ("khz",),
    "mhz": ("mhz",), "ghz": ("ghz",), "fps": ("fps",), "km": ("km", "kilometres", "kilometers"),
    "kg": ("kg", "kilograms"), "tokens": ("tokens", "token"),
}
# Other names a question gives those units by, besides how notes write them ("in per cent", "as a percentage").
UNIT_NAMED = {"per cent": "%", "percentage": "%", "euro": "euros", "dollar": "dollars"}
DURATION_UNITS = frozenset("""ms millisecond milliseconds second seconds sec secs minute minutes min mins hour hours
h hr hrs day days night nights week weeks month months year years""".split())
# An amount of money: a currency sign or name next to a number, or "free".
# (Not "real" or "won", which are English words first: "real money, real markets, zero human intervention" gives
# no price, "the model that won 3 of 5 rounds" none either.)
CURRENCY = (r"[$€£¥₹₩]|\b(?:usd|eur|gbp|jpy|chf|nok|sek|dkk|pln|brl|krw|ars|inr|cad|aud|sgd|dollars?|euros?|pounds?|"
            r"yen|francs?|kron(?:e|er|or|a)|z[łl]oty|reais|pesos?|rupees?|cents?)\b")
# Words of what something costs: a share next to one ("infrastructure cost dropped by about 70%") answers how much
# money was saved.
COST_WORDS = frozenset("""cost costs costing price prices priced spend spending spent bill bills budget budgets
expense expenses saving savings saved cheaper pricier""".split())
# A how-much question that asks for a price: "how much did registration cost", "how much were tickets", "how much
# money"; not "what did it cost in accuracy".
# A price asked for by its noun: "price of the controller", "registration fee at the forum", "what was the ticket
# price", "cost of a ticket".
PRICE_NOUN_ASKED = (r"^\s*(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}(?:price|prices|pricing|cost|costs|fee|fees)\s+(?:of|for|at)\b|"
                    r"\bwhat (?:was|is|were|are) (?:the |a |their |its )?(?:[\w-]+ ){0,2}(?:price|prices|fee|fees)\b")
MONEY_ASKED = (PRICE_NOUN_ASKED + r"|\bhow much money\b|\bhow (?:much|expensive)\b(?:[\w'’ -]+ )?(?:cost|costs|charge[sd]?|pay|paid|"
               r"spend|spent|price[sd]?)\b(?! in\b(?! (?-i:[A-Z])))|\bhow (?:much|expensive) (?:is|was|are|were) (?:an? |the )?[\w'’ -]*"
               r"(?:tickets?|registration|fees?|admission|pass(?:es)?|entry)\b|\bhow expensive\b|"
               r"\bwhat (?:did|does|do|would|will) (?:(?!(?:about|say|said|think|thought|tell|told|on|of|regarding|mention\w*)\b)[\w'’-]+ ){1,5}cost\b(?! in\b(?! (?-i:[A-Z])))")
# The thing whose price a how-much question asks: its words run from the verb to "cost" or a preposition, and the
# last of them names it ("registration" in "how much did NeurIPS 2025 registration cost", "pass" in "how much did a
# 24-hour metro pass cost in Lisbon", "tickets" in "how much were tickets for JSConf"). A cost that goes on to do
# something ("how much did their monthly observability cost drop") is the thing asked about, not a price.
PRICED_ASKED = (r"\bhow (?:much|expensive) (?:did|does|do|will|would|was|were|is|are) (?:an? |the )?"
                r"(?P<thing>[\w'’-]+(?: [\w'’-]+){0,5}?)(?= (?:costs?(?=\s*\??$| (?:in|at|for|during|to|on|per|them|us|him|her|you|back)\b)|be|for|at|in|to|during|near|on|of|from)\b|\s*\??$)")
# The words for what it costs to get into an event: a price asked for one is answered by a price given for another
# ("how much did a ticket cost", "registration was 240 euros"; a travel pass is not one of them).
ADMISSION_WORDS = frozenset("ticket tickets entry admission registration registrations fee fees".split())
# A when-question that asks for a time of day ("what time did the dinner start", "at what time was service
# restored"), not a time of year; answered by a clock time (CLOCK_TIME).
# A speaker's organisation asked for ("which company does Mei-Ling Zhou work for", "where does Zhou work", "what
# is Okafor's affiliation", "which university is she from"), the nouns that name what is asked for, and how notes
# write one next to a name: "Mei-Ling Zhou (NVIDIA)", "Ngozi Eze, Databricks", "from Tarnwall Security".
AFFILIATION_NOUNS = ("company", "companies", "organisation", "organization", "university", "lab", "institute",
                     "institution", "employer", "firm", "startup", "school", "affiliation")
AFFILIATION_ASKED = (r"\b(?:which|what) (?:company|organi[sz]ation|university|lab|institut(?:e|ion)|employer|firm|"
                     r"startup|school) (?:does|did|do|is|was|are|were) (?:[\w'’.-]+ ){1,4}(?:work(?:s|ed)?|from|at|"
                     r"with|represent(?:s|ed)?)\b|\bwhere (?:does|did|do) (?:[\w'’.-]+ ){1,4}work\b|\baffiliat|\bemployer\b")
AFFILIATION = (r"\((?=[^()]*[A-Z])[^()]{2,80}\)|,\s+(?:[A-Z][\w&.-]*\s?){1,4}(?=[),.;]|$)|"
               r"\b(?:from|at|with|of|for|joined)\s+(?:the\s+)?[A-Z][\w&.-]+")
# A day asked for ("on which day were the tutorials", "what day is the hackathon"): a weekday, "day 3", "the
# closing day" or a date that numbers the day ("14 June", "2025-03-20") answers it; "in June" does not.
DAY_ASKED = r"\b(?:which|what) day\b(?!s)"
CLOCK_ASKED = r"\b(?:what|which) (?:time|hour)\b(?! of (?:the )?(?:year|month|season|week))"
# A time of day, the one pattern for it: '09:00', '14.30', '14h30', '9am', '2:30 p.m.'; not an amount written the
# same way ('$2.50', '2.50 dollars', '4.25%', '1.25x', '0.25').
CLOCK = (r"(?<![$€£¥₹₩\d.,])(?!0\.)\d{1,2}[:.h]\d{2}(?!\d|[.,]\d)"
         r"(?!\s*(?:%|x\b|×|percent\b|usd\b|eur\b|gbp\b|dollars?\b|euros?\b|pounds?\b|yen\b|francs?\b|pesos?\b|"
         r"rupees?\b|points?\b))|\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?(?!\w)")
CLOCK_TIME = rf"\b(?:{CLOCK})|\bnoon\b|\bmidnight\b|\bo'clock\b"
# A where-question that asks for a room of the venue ("which room was the workshop in"); answered by a line naming a
# room, hall, stage or floor, or a room number ("B.214").
ROOM_ASKED = r"\b(?:which|what) (?:room|hall|auditorium|stage|theat(?:re|er)|lecture hall)\b"
# A where-question that asks for a city, town or country ("which city will host it", "in what country"): answered
# by a place's name ("in Kraków", "City: Porto", "the host city is Lyon"), not by a line that only says "host city".
CITY_ASKED = r"\b(?:which|what) (?:city|town|country)\b"
ROOM_PLACE = (r"\b(?:rooms?|halls?|auditori(?:um|a)|stages?|theat(?:re|er)s?|floor|level|wing|aula|sala|salle|saal|"
              r"salon)\b|\b[A-Z]?\d{1,2}\.\d{2,3}\b")
# Nouns that a capital letter designates ("room B", "Track C", "Plan B", "Appendix A"): "Switching to room B. Marie
# Dubois is presenting" ends a sentence after "B.", where "by J. Smith" does not.
LETTERED_NOUNS = (r"rooms?|halls?|auditori(?:um|a)|stages?|theat(?:re|er)s?|tracks?|levels?|floors?|wings?|buildings?|"
                  r"gates?|zones?|areas?|sections?|parts?|appendix|annex|plan|options?|groups?|teams?|types?|grades?|"
                  r"vitamin|sala|salle|saal|salon|aula|raum|sal|zaal")
# A how-long question that asks for a span of time ("how long did the migration take"), not a length.
# A share asked for ("what share were incomplete", "what percentage", "how much of their codebase"): answered by a
# percentage or a fraction, not by any number.
SHARE_ASKED = r"\bwhat (?:share|percentage|percent|fraction|proportion|portion)\b|\bwhat %|\bhow much of\b|\bhow many percent\b"
# How notes write a share: "40%", "12 per cent", "half", "two thirds", "1 in 5", "3 out of 10", "3/4".
SHARE = (r"\d\s*%|\bper ?cent\b|\bpercent(?:age)?\b|\b(?:half|halves|thirds?|quarters?|fifths?|tenths?)\b|"
         r"\b[\d.,]+\s*(?:in|out of)\s+(?:every\s+)?[\d.,]+\b|\b\d+\s*/\s*\d+\b(?!\s*/)")
DURATION_ASKED = r"\bhow long\b(?!\s+ago\b)(?:[\w'’ -]+ )?(?:take|took|takes|last|lasted|lasts|wait|waited|run|ran)\b"
# The roles a who-question may ask about, each with the words a note uses for it: "who moderated the panel" is
# answered by the line that says "moderated by …" or "Moderator: …", not by the panel's speakers or the byline.
ROLES = {
    # A panel's chair is its moderator: notes use either word for the same role.
    "moderator": re.compile(r"\bmod(?:erat\w*)?\b|\b(?:co-?)?chair(?:s|ed|ing|person|woman|man)?\b", re.I),
    "host": re.compile(r"\bhost(?:s|ed|ing)?\b|\bemcee\b|\bmc\b", re.I),
    "organiser": re.compile(r"\borgani[sz](?:ed|er|ers|ing)\b", re.I),
    "panellist": re.compile(r"\bpanell?ists?\b|\bon the panel\b|\bpanel (?:members?|with)\b", re.I),
    "author": re.compile(r"\b(?:co-?)?authors?\b|\b(?:co-?)?authored\b|\bjoint work\b|\bwritten (?:by|with)\b", re.I),
    "interviewer": re.compile(r"\binterview(?:ed|er|ing)?\b|\bin conversation with\b|\bfireside\b", re.I),
    "sponsor": re.compile(r"\bsponsor(?:s|ed|ing)?\b", re.I),
}
# A who-question that asks for the person on stage ("who presented", "who gave the keynote", "who was the speaker"):
# answered by a person's name, never by an organisation or a role ("who sponsored", "who should be the first hire").
PRESENTER_ASKED = (r"\bwho (?:\w+ )?(?:presented|presents|gave|gives|delivered|spoke|speaks|talked|taught|"
                   r"was (?:the|on) (?:stage|speaker|presenter|keynote speaker|instructor)|"
                   r"were (?:the )?(?:speakers|presenters|instructors))\b")
# The writer says they were not there for a talk: "I skipped Hamid Rezaei's talk", "skipped: Kafka Is Not a Database
# (…) — was on call", "Status: Skipped (conflict)", "I missed X's keynote", "we couldn't make it to …". The writer
# is the subject, or the word labels the line: "users who skipped onboarding" is what a talk said, not a miss.
MISSED = (r"(?:\b(?:I|we)\s+(?:\w+\s+){0,2}?(?:skipped|missed|skip|miss)\b|^\W*(?:skipped|missed)\b|"
          r"\bstatus:\s*(?:skipped|missed|not attended)\b|"
          r"\b(?:I|we)\s+(?:didn['’]t|did not|couldn['’]t|could not|wasn['’]t able to|was not able to)\s+"
          r"(?:attend|make it|go|get)\b)")
# A which- or what-question asking for people by what they are ("which SRE engineers presented the review",
# "which speakers were based in Lagos"): answered by their names.
PEOPLE_ASKED = (r"^\s*(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:speakers|presenters|panell?ists|engineers|researchers|"
                r"people|authors|organi[sz]ers|hosts|moderators|experts|scientists|founders)\b")
# The roles that the talk catalogue's speakers hold: a who-question about any other is not a question about them.
SPEAKER_ROLES = frozenset({"panellist", "author"})
TIME_NOUNS = r"(?:dates?|days?|times?|years?|months?|weeks?|weekdays?|morning|afternoon|evening|hours?|slots?)"
PLACE_NOUNS = (r"(?:city|cities|venue|country|countries|location|room|hall|place|building|campus|track room|"
               r"stage|auditorium|town)")
AMOUNT_NOUNS = (r"(?:percentage|percent|share|fraction|proportion|numbers?|amount|size|cost|price|rates?|ratio|"
                r"speed-?up|scores?|accurac(?:y|ies)|budget|count|total|factor|coefficient|median|average|mean)")
# What is measured in a unit, asked for by its name when it ends the phrase: "what was the p99 write latency after
# the fixes" (not "what was the latency story").
MEASURE_NOUNS = (r"(?:latenc(?:y|ies)|throughput|attendance|turnout|recall|precision|perplexity|bandwidth|overhead|"
                 r"uptime|footprint|rates?|speed-?up|scores?|accurac(?:y|ies)|size|cost|price)")
# A measure named by more than its noun, asked for ("which learning rate did they use", "what false positive rate
# did the classifier have", "what segmentation accuracy did it reach", "CPU usage of X's renderer" typed as a
# search): group "phrase" is the words that name it; its last word is the measure (MEASURED_HEADS: MEASURE_NOUNS
# less the amounts other checks hold, cost, price, size, attendance, and more of what a result is measured in).
MEASURED_HEADS = (r"(?:latenc(?:y|ies)|throughput|recall|precision|perplexity|bandwidth|overhead|uptime|footprint|"
                  r"rates?|scores?|accurac(?:y|ies)|usage|utili[sz]ation|errors?|loss|f1|auc|bleu|wer|cer|"
                  r"consumption|efficiency|coverage|yield)")
MEASURED_ASKED = (rf"^\W*(?:(?:what|which)\s+(?:(?:was|is|were)\s+)?(?:the\s+|their\s+|its\s+|his\s+|her\s+)?)?"
                  rf"(?P<phrase>(?:(?!(?:what|which|does|do|did|is|are|was|were|has|have|had|of|for|on|in)\b)[\w-]+\s+){{1,3}}"
                  rf"{MEASURED_HEADS})\b(?=\s+(?:did|does|do|was|were|is|are|has|have|had|of|for|on|in|at|after|"
                  rf"with|when|during)\b)")
# The kinds of thing that are known by a proper name or a model number ("an A100", "Postgres", "Synthea"): a crop, a
# loss or a colour is named by a common noun ("winter wheat", "distillation"), which no test of the words can tell.
NAMED_KINDS = frozenset("""software tool tools library libraries framework frameworks database databases gpu gpus
    chip chips cpu cpus accelerator accelerators hardware laptop laptops phone phones device devices platform platforms
    vendor vendors product products compiler compilers editor editors ide browser browsers distribution distro
    cloud provider providers service services api apis package packages engine engines language languages runtime
    runtimes dataset datasets benchmark benchmarks model models llm llms camera cameras sensor sensors drone drones
    robot robots car cars brand brands app apps application applications firmware kernel os system systems""".split())
# A which-question asking for one thing of a kind by its name ("which GPU model did her group use", "which software
# generated the data", "which database did they move to"): group "kind" is the words that say what kind of thing.
INSTANCE_ASKED = (r"^\W*(?:which|what)\s+(?P<kind>(?:(?!(?:is|are|was|were|did|does|do)\b)[\w-]+\s+){0,2}?"
                  r"(?!(?:is|are|was|were|did|does|do)\b)[\w-]+)\s+(?:did|does|do|was|were|is|are|has|have|had)\b")
# The statistic a figure is of, when a question names one ("the p99 latency", "the median query time"): each group
# is one statistic in the ways notes write it; a figure of another statistic does not answer it.
STATISTICS = {
    "percentile": r"\bp\d{2,3}(?:\.\d)?\b|\b\d{2}(?:\.\d)?(?:th|st|nd|rd) percentile\b",
    "median": r"\bmedian\b|\bp50\b|\bmediana\b|\bmédiane\b|\bMedian\b",
    "mean": r"\b(?:mean|average|avg|media|promedio|moyenne|Durchschnitt\w*|Mittelwert)\b",
    "peak": r"\b(?:peak|max(?:imum)?|máximo|pico)\b",
}
# What a trip around a conference needs and its notes may or may not speak of: the weather, food, a bed, getting
# there, parking, the Wi-Fi. Each group is one topic: the words a question asks about it by ("asked", lower case:
# "Park" and "Lunch & Learn" are names) and the words notes speak of it in ("said", any case): "rain at 4pm every
# day" answers "what was the weather like", "the hawker centre" answers "which food market". A question about one
# of them is not answered by lines that speak of none of its words, however close they are to the rest of it
# ("weather in Lisbon during Qubit Coast 2026" by the line that gives its dates and venue).
AMENITIES = {
    "weather": (r"weather|rain|raining|rained|rainy|sunny|snow|snowing|forecast|clima|météo|wetter",
                r"weather|rain\w*|sunny|sunshine|snow\w*|humid\w*|forecast|°c|°f|storms?|stormy|windy|cloudy|"
                r"drizzle|foggy|fog|heatwave|clima|météo|wetter"),
    "food": (r"lunch|lunches|dinner|dinners|breakfast|brunch|food|meals?|catering|snacks?|coffee|vegan|vegetarian|"
             r"gluten-free|halal|kosher|restaurants?|menu|comida|almuerzo|cena|veganas?|veganos?|vegetarian[oa]s?|"
             r"déjeuner|dîner|repas|végétarien\w*|mittagessen|abendessen",
             r"lunch\w*|dinners?|breakfast|brunch|food|meals?|catering|catered|snacks?|coffee|vegan\w*|vegetarian\w*|"
             r"gluten-free|halal|kosher|restaurants?|menu|eat|ate|eating|buffet|pizza|sandwich\w*|tapas|hawker|"
             r"caf[eé]s?|bakery|street food|comida|almuerzo|cena|déjeuner|dîner|repas|mittagessen"),
    "lodging": (r"hotels?|hostels?|accommodation|accommodations|lodging|airbnb|alojamiento|hébergement|unterkunft",
                r"hotels?|hostels?|accommodations?|lodging|airbnb|stay(?:ed|ing)? (?:at|in|near)|alojamiento|"
                r"hébergement|unterkunft"),
    "travel": (r"airport|shuttle|taxi|taxis|metro|subway|tram|uber|public transport|aeropuerto|aéroport|flughafen",
               r"airport|shuttle|taxis?|metro|subway|tram|uber|bus|buses|railway|station|flights?|flew|"
               r"transport|aeropuerto|aéroport|flughafen"),
    "parking": (r"parking|park|car park|aparcamiento|estacionamiento|stationnement|parkplatz",
                r"parking|park|car park|garage|aparcamiento|estacionamiento|stationnement|parkplatz"),
    "wifi": (r"wi-?fi|password|internet|eduroam", r"wi-?fi|password|internet|eduroam|wireless|ssid"),
    "swag": (r"swag|t-shirts?|hoodies?|stickers?|goodie bags?", r"swag|t-shirts?|hoodies?|stickers?|goodie bags?"),
}
# Words after an amenity's word that leave it the thing asked about ("the weather like", "lunch options",
# "park near the venue"), beside function words and other amenities' words.
AMENITY_FOLLOWERS = frozenset("""like options option choices choice nearby near around close next outside inside
within situation served price prices cost costs costed rate rates fee fees recommendations recommended recommend
was were is are be""".split())
# A meal named as a time of the day, which says nothing of the food: "after lunch", "Lunch-break chatter", "the
# post-lunch slot", "coffee break".
MEAL_AS_TIME = (r"\b(?:after|before|until|till|post-?|pre-?)\s*(?:lunch|dinner|breakfast|coffee)\b|"
                r"\b(?:lunch|dinner|breakfast|coffee)[- ]?(?:breaks?|time|slots?|sessions?|talks?|keynotes?|chatter)\b")
# Articles and prepositions of the notes' other languages, which leave an amenity's word the thing asked about as
# English function words do ("opciones veganas en la comida", "l'hôtel près du centre", "Parkplatz am Hotel").
OTHER_LANGUAGE_FUNCTION_WORDS = frozenset("""en la el los las de del y o para por con cerca le les du des au aux à
et ou pour près avec der die das den dem des zum zur im am und oder für mit bei nahe em no na do da dos das e para
il lo gli della nel het een van bij""".split())
# A question asking for a reason, not a mechanism: "why did the recommender lose revenue", "what caused the table
# bloat", "¿por qué …?" ("how does the policy decide" asks how, and is answered by the steps).
REASON_ASKED = (r"^\s*(?:and\s+)?why\b|\bwhy (?:did|does|do|is|are|was|were|can|could|would|should|has|have|had)\b|"
                r"\bwhat (?:caused|causes|made|makes|explains|drove|drives|led to|was the reason|is the reason)\b|"
                r"\breasons? (?:for|why|behind)\b|\b(?:por qu[ée]|pourquoi|warum|perch[ée])\b")
# A sentence that gives a reason: "because …", "the root cause was …", "which meant …", "due to …", "The causes:",
# "Her explanation: …", "she explained that …" (not "she explained how", which opens a mechanism, nor "so that", a
# purpose).
REASON = (r"\bbecause\b|\bsince\b(?!\s+(?:\d|then|last|early|late|the (?:start|beginning)))|\bdue to\b|\bowing to\b|"
          r"\bcaus(?:e|es|ed|ing)\b|\bculprits?\b|\breasons?\b|"
          r"\b(?:the|main|fundamental|core|real|biggest|underlying) (?:problem|issue|catch|trouble)\b|"
          r"\bwhich (?:meant|means)\b|\bas a result\b|\bresult(?:ed|s)? in\b|\b(?:led|leads?) to\b|\bblam\w+|"
          r"\bdriven by\b|\bstem(?:s|med)? from\b|\bturned out\b|\bbecause of\b|"
          # a label that introduces one: "Her explanation: most SBOMs are generated from the lockfile", "Why: …"
          r"\b(?:explanation|rationale|reasoning|why)\s*:|\bthe reasoning\b|\bexplained that\b")
# A question about an event's next edition ("where is the next NordClim", "which city will host it in 2026"), not
# about the next talk, day or meeting of this one.
NEXT_EDITION_ASKED = (r"\b(?:next|upcoming)\b(?!\s+(?:talk|speaker|session|slide|step|day|morning|afternoon|part|"
                      r"section|keynote|panel|tutorial|meeting|question)\b)|"
                      r"\bwill\b[^?.]{0,40}?\b(?:host|be\s+held|take\s+place)\b|"
                      r"\bhost city\b")
# A line that says where or when an event's next edition will be: "Next edition announced for Tromsø", "next
# SoundCode = Feb 2027", "it will be held in Porto", "returns to Lisbon".
NEXT_EDITION = (r"\bnext (?:edition|year|conference|event|summit|one|time)\b|\bnext [\w-]+ (?:=|is|will)\b|"
                r"\bwill be (?:held|in|at)\b|\bannounced for\b|\bhost city\b|\breturns? to\b")
# Words that number a part of something rather than count it: "Section 2.4", "Step 3", "Table 2", "Room 104".
LABEL_WORDS = frozenset("""section sections part step steps table figure fig slide chapter phase stage level tier
track room hall lecture session episode issue version appendix item no no.""".split())
# Where the measured noun of "what was the p99 write latency after …" ends: the question's end or a preposition.
AMOUNT_END = r"(?=\s*[?,.]|\s*$|\s+(?:of|for|in|on|at|after|before|with|when|during|per|across|between|from|under|over)\b)"
# The words after "how" that make it ask for an amount: "how many", "how much", "how long". They belong to the
# question's form, not its topic: "how many people attended" is about people attending, not about "many".
HOW_WORDS = ("many", "much", "long", "big", "large", "fast", "slow", "often", "far", "old", "expensive", "high",
             "low", "small")
# The same question words in the notes' other languages (Spanish, Portuguese, French, German, Italian), at the
# question's start ("¿Cuándo fue el taller …?", "quién moderó la mesa redonda", "cuántos asistentes tuvieron …").
# The function words of a question asked in another language, by language: a question with more of one language's
# than of English's is asked in it, and its function words ask, as "where was it held" does in English ("Wo fand das
# Gesundheitsdaten-Forum 2025 statt?" searches for Gesundheitsdaten-Forum 2025).
QUESTION_FUNCTION_WORDS = {
    "de": frozenset("""der die das den dem des ein eine einen einem einer und oder ist war sind waren hat haben wurde
                    wurden wer wen wem wo wann was wie welche welcher welches welchen warum wieso weshalb fand statt
                    beim bei im am vom zum zur auf für mit von über nach zu aus nicht auch noch es sie er ihr ihre sein
                    seine gab gibt viele""".split()),
    "es": frozenset("""el la los las un una unos unas y o es fue son fueron ha han se de del en al por para con sobre
                    qué que quién quien quiénes dónde donde cuándo cuando cuánto cuánta cuántos cuántas cuál cuáles
                    cómo como había hubo tuvo tuvieron hay""".split()),
    "fr": frozenset("""le la les un une des du de et ou est était sont a ont qui que quoi où quand combien quel quelle
                    quels quelles comment pourquoi au aux en dans sur pour avec par lieu eu y""".split()),
    "pt": frozenset("""o a os as um uma uns umas e ou é foi são foram tem têm de do da dos das em no na nos nas por
                    para com sobre que quem onde quando quanto quantos quantas qual quais como houve""".split()),
    "it": frozenset("""il lo la i gli le un una e o è era sono furono ha hanno di del della dei delle in nel nella su
                    per con che chi dove quando quanto quanti quale quali come perché""".split()),
}
_OPENS = r"^\W*"
OTHER_LANGUAGE_ASKED = {
    "who": _OPENS + r"(?:quién|quiénes|quem|qui|wer|chi)\b",
    "when": _OPENS + r"(?:cuándo|quando|quand|wann|a qué hora|à quelle heure|um wie viel uhr|que horas)\b",
    "where": _OPENS + r"(?:dónde|donde|onde|où|wo|dove)\b",
    "quantity": _OPENS + r"(?:cuánt[oa]s?|quant[oa]s?|combien|wie viele?|quant[ie])\b",
    "explanation": _OPENS + r"(?:por qué|porqué|por que|pourquoi|warum|wieso|weshalb|perché)\b",
}
# A when- or where-question typed as a search rather than asked ("nsas 2024 venue and city", "rustfjord keynote
# dates?"): up to four words, then the noun of what is asked, where the query or its phrase ends ("city planning
# talk" asks for no city).
TYPED_AS_SEARCH = (r"^(?!(?:what|which|how|why|when|where|who|did|does|do|is|was|were|are|can|could|should|would|"
                   r"tell|list)\b)(?:[\w&'’.-]+ ){0,4}")
SEARCH_NOUN_END = r"(?=\s*(?:$|[?,;(]|and\b|&|of\b|for\b|or\b))"
QUESTION_PATTERNS = {
    "comparison": r"\b(?:compare[sd]?|comparison|comparing|differences?|differ(?:s|ed)?|versus|vs\.?|contrast\w*|trade-?offs?|"
                  r"better than|worse than|which (?:is|was) (?:better|faster|bigger|worse)|similarit\w+|"
                  r"(?:dis)?agree(?:d|s)?|disagreement)\b|"
                  # "did o3 or Gemini 3 score higher", "was transfer from Swahili or from English better"
                  r"^(?:[\w,' -]+, )?(?:did|does|do|was|were|is|are)\b.{1,80}\bor\b.{1,80}\b(?:higher|lower|better|worse|"
                  r"faster|slower|more|less|larger|smaller)\b",
    "who": OTHER_LANGUAGE_ASKED["who"] + "|"
           rf"^(?:who|whom|whose)\b|\b(?:who|whom)\b.*\?|\b(?:which|what|name the|name) {PEOPLE_NOUNS}\b|"
           r"\bby whom\b|\bwho(?:'s| is| was| were| gave| presented| ran| led)\b|"
           # Typed as a search rather than asked: "keynote speaker field robotics forum 2025?", "speaker of the
           # opening keynote" (not "the moderator's main point").
           r"^(?!(?:what|which|how|why|when|where|did|does|do|is|was|were|are|can|could|should|would|tell|list)\b)"
           r"(?:[\w-]+ ){0,3}(?:speakers?|presenters?|moderators?|keynoters?|panell?ists?|organi[sz]ers?)\b(?!['’])",
    "when": OTHER_LANGUAGE_ASKED["when"] + "|"
            rf"^when\b|\b(?:what|which|on what|at what) {TIME_NOUNS}\b|\bwhen (?:was|is|did|does|will)\b|"
            # "what are the dates of X", "what was the time of the closing panel" (not "the time complexity")
            r"\b(?:what|which) (?:are|were|is|was) the (?:dates?|days?|times? (?:of|for))\b|"
            r"\bhow long ago\b|" + TYPED_AS_SEARCH + rf"{TIME_NOUNS}{SEARCH_NOUN_END}",
    "where": OTHER_LANGUAGE_ASKED["where"] + "|"
             rf"^where\b|\b(?:what|which|in what|in which|at what|at which) {PLACE_NOUNS}\b|"
             r"\bwhere (?:was|is|did|were|are|will)\b|" + TYPED_AS_SEARCH + rf"{PLACE_NOUNS}{SEARCH_NOUN_END}",
    "quantity": OTHER_LANGUAGE_ASKED["quantity"] + "|"
                rf"\bhow (?:{'|'.join(HOW_WORDS)})\b|"
                rf"\b(?:what|which) (?:(?!(?:does|do|did|is|are|was|were|has|have|had)\b)[\w-]+ ){{0,2}}{AMOUNT_NOUNS}\b|"
                rf"\bby how much\b|\bwhat (?:was|is|were) the {AMOUNT_NOUNS}|"
                rf"\bwhat (?:was|is|were) (?:the |their |its |his |her )?(?:[\w-]+ ){{0,3}}{MEASURE_NOUNS}{AMOUNT_END}|"
                rf"\bby what {AMOUNT_NOUNS}\b|\bwhat did [\w .'’-]{{1,40}} score\b|"
                r"\bwhat (?:did|does|do|would|will) (?:(?!(?:about|say|said|think|thought|tell|told|on|of|regarding|mention\w*)\b)[\w'’-]+ ){1,5}cost\b(?! in\b)|" + PRICE_NOUN_ASKED + "|"
                # Typed as a search: "PerfCamp Montréal 2023 number of participants", "nsas 2024 attendance"
                + TYPED_AS_SEARCH + rf"(?:(?:number|count|total|amount) of\b|(?:attendance|turnout|headcount){SEARCH_NOUN_END})",
    "talk": r"\b(?:did|does|do) (?:[\w.'’-]+ ){1,6}(?:say|said|recommend|suggest|argue|claim|propose|cover|discuss|"
            r"present|talk about|think|advise|advocate|warn|conclude|emphasi[sz]e|highlight|show|focus on|"
            r"take ?away|find|report|discover|urge|want|teach|describe|share|demonstrate|point out)\b|"
            r"\b(?:tell me about|what (?:was|were) [\w.'’ -]{1,60}'s (?:advice|argument|conclusion|point|message|"
            r"findings?|view|position))\b|\b(?:takeaways?|recommendations?|main (?:points?|message|ideas?|argument)|key points?|"
            r"(?:main|key|headline) (?:results?|findings?|numbers)|summar(?:y|ise|ize)|gist|highlights?)\b|\bwhat (?:was|is) (?:[\w.'’ -]+ )?(?:talk|keynote|tutorial|panel|"
            r"presentation|session|workshop)\b[\w.'’ -]* about\b|\bwhat was (?:said|discussed|covered|presented)\b",
    "explanation": OTHER_LANGUAGE_ASKED["explanation"] + "|"
                   r"^(?:how|why)\b|\b(?:how|why) (?:does|do|did|is|are|was|were|can|could|would|should)\b|"
                   r"\bwhy (?:doesn|don|didn|isn|aren|wasn|weren|can|couldn|won|wouldn|shouldn)['’]?t\b|"
                   r"\bwhat (?:makes|made|causes?|caused|explains?|drives?|is the reason|was the reason)\b|"
                   r"\bin what way\b|\bexplain (?:how|why)\b|\breason (?:for|why)\b",
    "definition": r"^(?:what|who)(?: is| are| was| were|'s)\s+(?:an? |the )?[\w .'’()+/-]{1,60}\??$|"
                  # with where it was defined: "what is tokenizer fertility, as defined in the talk", "in Garnier's
                  # keynote, what is the ESPPRC?", "what does DAgger do?"
                  r"^(?:in [^,]{1,80}, )?what(?: is|'s| are) (?:an? |the )?[\w .'’()+/-]{1,60}?(?:,|\?$| (?:as|that|which) )|"
                  r"^what (?:does|do) (?:an? |the )?[\w.'’()+/-]+(?: [\w.'’()+/-]+)? do\b|"
                  r"\bwhat (?:does|do|did) .{1,60} (?:mean|stand for|refer to)\b|\bdefin(?:e|ition of)\b|"
                  r"\bmeaning of\b|\bwhat(?:'s| is) meant by\b|\bexplain what\b|"
                  r"^(?!(?:what|which|how|why|when|where|who|the|an?)\b)[\w .'’/+-]{2,50}?\s+"
                  r"(?:definition|meaning)\b(?!\s+of\b)",
    "list": r"\b(?:which|what) (?:\w+ ){0,2}(?:talks|papers|benchmarks|topics|tutorials|keynotes|sessions|panels|"
            r"workshops|methods|models|ideas|principles|tools|techniques|lessons|steps|trends|themes|points|"
            r"challenges|problems|examples|datasets|metrics|recommendations|approaches|options|stages|levels|"
            r"things|ways|reasons|types|kinds|categories|components|parts|factors|questions|areas|companies|"
            r"labs|libraries|frameworks|languages|results|findings|tips|rules|predictions)\b|"
            r"\b(?:list|name|enumerate)\b|\bwhat (?:are|were) (?:the )?(?:\w+ ){0,3}\w+s\b|"
            r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+) (?:\w+ )?\w+s\b|"
            # "which projects won", "which oral presentations did they like": which and a plural noun
            r"^(?:[\w,' -]+, )?which (?:(?!of\b)[\w-]+ ){0,2}?(?!(?:does|is|has|was)\b)[a-z][\w-]*[^sui\W]s (?!of\b)",
}
# A who-question that is really a definition: "who is X" where X is a person is still a who-question; the
# definition pattern above starts with "what" or "who", so "who" is tried first and this never decides.
NUMBER_WORDS = frozenset("""zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
thousand million billion trillion dozen half quarter double twice triple""".split())
# The counts a list question names ("what are the five commandments", "name 3 tools"): an answer that quotes a
# list of exactly that many items has answered it.
SMALL_NUMBERS = {word: n for n, word in enumerate("""zero one two three four five six seven eight nine ten eleven
twelve""".split())}
# The ordinals a question numbers a conference's day with ("on the second day of EvalCon").
ORDINALS = {word: n for n, word in enumerate("""zeroth first second third fourth fifth sixth seventh""".split())}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Nouns that end an event's name ("the fjord data systems summit", "pycon lagos"): a lower-case run of words
# ending in one, before a year, names an edition.
EVENT_NOUNS = frozenset("""summit conference conf con meetup meeting workshop symposium forum days day week festival
fest camp school expo congress convention colloquium retreat hackathon tagung konferenz""".split())
# The months and days of notes written in other European languages (German, French, Spanish, Portuguese, Italian,
# Dutch): a date reads "14. März", "3 de mayo", "le 12 juin"; a month counts only after a day's number (several
# are English words or names: "Mai", "mars").
OTHER_MONTHS = ("januar", "jänner", "februar", "märz", "maerz", "mai", "juni", "juli", "oktober", "dezember",
                "janvier", "février", "fevrier", "mars", "avril", "juin", "juillet", "août", "aout", "septembre",
                "octobre", "novembre", "décembre", "decembre", "enero", "febrero", "marzo", "abril", "mayo",
                "junio", "julio", "agosto", "septiembre", "setiembre", "octubre", "noviembre", "diciembre",
                "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro", "novembro",
                "dezembro", "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre",
                "dicembre", "januari", "februari", "maart", "mei", "augustus")
# A date written in figures: "14.03.2024", "14/03/2024", "3/14/25" (a year is needed: "3.12" is a version, "3/4"
# a fraction), or a shortened weekday with its day of the month: "Thu 11", "Fri., 12", "Di 14.3.", "Sa 13.".
NUMERIC_DATE = (r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{4}\b|\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b|"
                # written capitalised, as a programme does ("so 40 people came", "we sat 12" are no days)
                r"(?-i:\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun|Lun|Mer|Jeu|Ven|Sam|Dim|Mié|Jue|Vie|Sáb|Dom|"
                r"MON|TUE|WED|THU|FRI|SAT|SUN)\.?,?\s+\d{1,2}(?:st|nd|rd|th)?\b(?!\s?%|[:.,]\d)|"
                # a German or Dutch weekday's two letters, then the date with its dots: "Di 14.3.", "Sa 13."
                r"\b(?:Mo|Di|Mi|Do|Fr|Sa|So|Ma|Wo|Vr|Za|Zo)\.?,?\s+\d{1,2}\.(?:\d{1,2}\.?)?(?!\d))")
OTHER_WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
                  "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lunes", "martes",
                  "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo", "lunedì", "martedì",
                  "mercoledì", "giovedì", "venerdì", "sabato", "maandag", "dinsdag", "woensdag", "donderdag",
                  "vrijdag", "zaterdag", "zondag", "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira",
                  "sexta-feira")
PLACE_WORDS = frozenset("""room hall venue center centre convention auditorium building campus stage track
floor city street hotel university museum pavilion arena theatre theater""".split())
# The labels of a field that gives a place or a date ("Location: San Diego", "Dates: 9-15 December").
PLACE_FIELDS = r"location|venue|where|place|city|address"
TIME_FIELDS = r"dates?|when"
DEFINING_VERBS = r"(?:is|are|was|were|means|refers to|stands for|denotes|describes|is called|is defined as|:|—|–|-)"
# Words for what a talk advises: a question asking what someone "recommended" is answered under a heading
# called "Takeaways", "Lessons" or "Recommendations".
ADVICE_WORDS = ("recommend recommends recommended recommendation recommendations suggest suggested suggestion "
                "suggestions advise advised advice takeaway takeaways lesson lessons tip tips guidance guideline guidelines rule rules "
                "conclusion conclusions practice practices principle principles dos don'ts checklist should")

# What a speaker said about a topic: "what did Zhou say about 2-bit quantization", "what did Solberg think of AI
# replacing analysts", "how did Raman compare automatic captions with human ones". The topic runs to the end of the
# question or to where it says where ("in his keynote").
SAID_ABOUT = (r"(?:\b(?:say|said|says|think|thought|thinks|feel|felt|believe|believed|argue|argued|claim|claimed|"
              r"write|wrote|note|noted|mention|mentioned|tell us|told us|share|shared|report|reported|reveal|"
              r"revealed|conclude|concluded|teach|taught|discuss|discussed|talk|talked|speak|spoke|present|"
              r"presented)\s+(?:about|of|on|regarding|concerning)\s+|\bcompared?\s+)(?P<topic>(?!(?:at|in|during)\b).+?)"
              r"(?=\s+(?:in|at|during)\s+(?:his|her|their|the|a|an)\b|\s*[?.!]*\s*$)")
# A question asking for a work by its name: "which paper won the best paper award", "what book did she recommend".
WORK_ASKED = r"^\s*(?:which|what)\s+(?:papers?|books?|articles?|stud(?:y|ies)|publications?|theses|thesis|novels?)\b"

# Words that name the kind of answer a question wants, not its topic: "which city hosted it" is answered by
# "Lisbon", "what does DPO stand for" by its expansion, "according to the tutorial" by the tutorial's own words.
# A note need not use them, so their absence from the notes says nothing about whether the notes answer.
FORM_WORDS = ("according name names named title titles titled called kind kinds type types sort sorts stand mean "
              "means meant refer refers city cities country countries venue location place date day time year month "
              "week number amount "
              "percentage percent share fraction proportion total count exactly roughly approximately many much "
              "difference differences similarity similarities held happen happened happens located")
# Verbs and nouns that ask about a talk rather than name a topic: "what did Mitchell recommend" is about the talk.
ASKING_WORDS = (
    "say said says recommend recommended recommendation suggest suggested talk talked cover covered discuss "
    "discussed present presented presenter mention mentioned think thought argue argued claim claimed propose "
    "proposed show showed describe described explain explained highlight highlighted main point points key "
    "takeaway takeaways idea ideas tell told give gave focus focused about according note notes author write "
    "wrote tutorial talk keynote panel workshop session presentation invited oral speaker presenter who gave "
    "ran led organised organized researcher researchers people person speakers presenters authors team walk walked "
    "walks outline outlined share shared teach taught find finds found finding findings discover discovered"
)
