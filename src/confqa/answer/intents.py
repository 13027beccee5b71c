"""The kinds of question confqa tells apart. Each decides what an answer must contain and in what order."""

from __future__ import annotations

INTENTS: dict[str, str] = {
    "who": "asks for people: who presented, organised or said something; answered by names.",
    "when": "asks for a date, day or time; answered by the date with what happened then.",
    "where": "asks for a place: city, venue, room, country; answered by the place.",
    "quantity": "how many, how much, what share or number; answered by the number with its unit and scope.",
    "list": "asks for several items (which talks, what are the N …, name the …); answered by the items.",
    "definition": "what is / what does X mean / define X; answered by the definition first.",
    "explanation": "how or why something works or happens; answered by the mechanism or reason.",
    "comparison": "compares two or more things (difference between, versus, which is better).",
    "talk": "what a talk or speaker said, recommended, argued or covered; answered by its main points.",
    "fact": "any other single fact (which model won, what benchmark was used).",
}
