"""Spanish: the Snowball stemmer ("cancelar", "cancelé" → "cancel"), stop words, small talk and the
ways people ask for a person in a chat. Words are folded (no accents): customers often leave them out."""

import re

from concierge.bot.languages import LanguageRules, word_set

STOP_WORDS = word_set(
    """
    a al algo alguien algun alguna algunas alguno algunos ante antes aqui asi aun bien cada como con
    contra cual cuales cuando de del desde donde dos el ella ellas ellos en entre era eres es esa esas
    ese eso esos esta estaba estan estar estas este esto estos estoy fue fueron ha habia han hasta hay
    la las le les lo los mas me mi mis mucho muy nada ni no nos nosotros nuestra nuestro o os otra otro
    para pero poco por porque puede pueden puedo que quien se sea ser si sin sobre solo son su sus
    tambien te tengo ti tiene tienen todo todos tu tus un una uno unos unas usted ustedes y ya yo
    hola gracias favor quiero quisiera necesito hacer hago
    """
)

SMALL_TALK = word_set(
    """
    hola buenas buenos dias tardes noches saludos que tal hey gracias muchas mil muchisimas genial
    perfecto vale ok okay listo adios chao hasta luego pronto alguien hay ahi eso todo era nada mas
    ayuda prueba probando
    """
)

PERSON = r"(?:persona|humano|agente|asesor|asesora|operador|operadora|alguien|soporte|ventas|representante|tecnico)"
ASKS_FOR_A_PERSON = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\bhablar\s+con\s+(?:una\s+|un\s+|el\s+|la\s+|algun\s+|alguna\s+)?{PERSON}\b",
        rf"\b(?:pasame|paseme|pasenme|comunicame|comuniqueme|transfiereme|contactar)\s+(?:con|a)\s+(?:una\s+|un\s+|el\s+|la\s+)?{PERSON}\b",
        r"\b(?:persona|humano|agente)\s+(?:real|de\s+verdad)\b",
        r"^(?:agente|humano|persona|operador|asesor)$",
        r"\bnumero\s+de\s+telefono\b|\bllamen?me\b|\bllamarme\b|\bme\s+(?:pueden|puede)\s+llamar\b",
        r"\b(?:este|el)\s+bot\b",
    )
)

RULES = LanguageRules(
    stemmer="spanish",
    stop_words=STOP_WORDS,
    small_talk=SMALL_TALK,
    asks_for_a_person=ASKS_FOR_A_PERSON,
)
