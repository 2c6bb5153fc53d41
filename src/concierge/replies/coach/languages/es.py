"""The coach's Spanish rules: the same elements as English (docs/coach.md), written the ways Spanish
writes them. The familiar register is "tú" and "vosotros", not contractions."""

import re

from concierge.replies.coach.languages import Cue, LanguageRules


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


MONTHS = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
WEEKDAYS = "lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo"
# The future tense (-rá, -rán, -ré, -remos), "va a", or a present that announces ("llega", "sale").
FUTURE = _words(
    r"\b\w+(?:rá|rán|ré|remos)\b", r"\bva(?:mos|n)? a\b", r"\bllega\b", r"\bsale\b", r"\bse publica\b"
)
HEDGE = _words(
    r"\bno (?:te |le |os |les )?(?:puedo|podemos|sabría|sabemos) (?:\w+ )?(?:dar|prometer|asegurar|garantizar|"
    r"comprometer|decir)",
    r"\b(?:quizás?|tal vez|puede que|probablemente|espero|esperamos|ojalá|si todo va bien|en principio|"
    r"aproximadamente|más o menos|si y cuando)\b",
)
WHEN = _words(
    r"\b(?:pasado )?mañana\b(?! por)",
    r"\besta (?:noche|semana|tarde)\b",
    r"\b(?:el|antes del|para el|hasta el|a partir del) \d{1,2} de (?:" + MONTHS + r")\b",
    r"\b(?:en|para) (?:la )?(?:próxima|siguiente) (?:versión|actualización|semana)\b",
    r"\bla versión (?:de (?:" + MONTHS + r")|\d[\d.]*)\b",
    r"\b(?:la semana que viene|la próxima semana|el próximo mes|el mes que viene)\b",
    r"\b(?:el|este|el próximo) (?:" + WEEKDAYS + r")\b",
    r"\ben (?:\d+|una|un|dos|tres|cuatro|cinco|diez|veinte|treinta) (?:minutos?|horas?|días?|semanas?)\b",
)
OWN_WORK = _words(
    r"\b(?:te|le|os) (?:escribo|escribiré|aviso|avisaré|avisamos|contesto|contestaré|diré|informaremos|"
    r"informaré|confirmaré|confirmo)\b",
    r"\b(?:mirarlo|revisarlo|investigarlo|comprobarlo)\b",
)

REASONING = (
    Cue(
        _re(r"\bporque\b"),
        "because",
        veto=_re(r"\bporque (?:sí|es (?:nuestra|la) (?:política|norma)|su opinión|nos importa|valoramos)\b"),
    ),
    Cue(
        _re(
            r"\bpor eso\b|\bpor ello\b|\bes por lo que\b|\bde ahí que\b|\bpor lo tanto\b|\bpor consiguiente\b"
        ),
        "that is why",
    ),
    Cue(
        _re(
            r"\bla razón\b|\bel motivo\b|\bla causa\b|\bse debe a\b|\bdebido a\b|\bel fallo es que\b|"
            r"\bel problema es que\b"
        ),
        "reason",
    ),
    Cue(
        _re(r"\ba propósito\b|\bdeliberadamente\b|\badrede\b|\bpor diseño\b|\bdecidimos\b|\belegimos\b"),
        "on purpose",
    ),
    Cue(_re(r"\bya que\b|\bpuesto que\b|\bdado que\b|\bcomo medida de\b|\bpara (?:que|evitar)\b"), "since"),
    Cue(
        _re(
            r"\b(?:está|están|estaba) afectando\b|\bprovoca\b|\bhace que\b|\bimplicaría\b|\bsupondría\b|"
            r"\bdescuadraría\b|\brompería\b"
        ),
        "consequence",
    ),
    Cue(_re(r"\bno (?:saben|sabe|puede|pueden) \w+ (?:\w+ ){0,4}de forma\b"), "limit"),
)

RESOLUTION = (
    Cue(
        _re(
            r"\b(?:ya )?(?:he|hemos) (?:corregido|reembolsado|cancelado|activado|desactivado|cambiado|añadido|"
            r"aplicado|restaurado|arreglado|devuelto|enviado|eliminado|desbloqueado|ampliado|creado|restablecido)\b|"
            r"^cancelad[oa]\b"
        ),
        "done",
    ),
    Cue(
        _re(
            r"\b(?:te|le|os) (?:escribo|escribiré|aviso|avisaré|contesto|contestaré|diré|informaremos|informaré)\b"
            r".{0,60}\b(?:en cuanto|cuando|si|hoy|mañana|antes|aquí)\b"
        ),
        "follow-up",
    ),
    Cue(
        _re(
            r"\b(?:lo que sí )?puedo hacer es\b|\b(?:voy|vamos) a (?:cambiar|aplicar|reembolsar|cancelar|activar|"
            r"pasarte|revisar|arreglar)\b|\bte (?:paso|cambio|aplico|activo|reembolso|devuelvo)\b"
        ),
        "will do",
    ),
    Cue(
        _re(
            r"\bno (?:hay|habrá|haremos) (?:reembolsos?|devoluciones|planes|cambios)\b|\bno (?:está|lo tenemos) "
            r"(?:previsto|planeado|en (?:la|nuestra) hoja de ruta)\b|\bno vamos a\b"
        ),
        "decision",
    ),
    Cue(_re(r"\b\w[\w ]{0,30} ?(?:>|→|›|»|->) ?\w"), "path"),
    Cue(
        _re(
            r"(?:^|[.!¡:;]\s+|, )(?:ve a|abre|pulsa|haz clic|selecciona|elige|entra en|escribe|envía(?:me|nos)|"
            r"dime|crea|activa|desactiva|usa|prueba|puedes (?:arrastrar|usar|ir|cambiar|activar|crear|subir)|"
            r"le rogamos que (?:utilice|actualice|envíe|acceda)|utilice|actualice)\b"
        ),
        "step",
    ),
)

OVERPROMISE = (
    Cue(
        _re(r"\bpromet(?:o|emos|ido)\b(?! (?:mirar|revisar|investigar|escribir|responder|contestar|avisar))"),
        "promise",
        veto=_re(r"\bno (?:te |le |os )?(?:puedo |podemos )?promet"),
        suggestion="No puedo prometerte una fecha, pero te aviso en cuanto esté listo.",
    ),
    Cue(
        _re(r"\bgarantiz|\b(?:te|le|os) asegur(?:o|amos)\b|\btenga la seguridad\b"),
        "guarantee",
        veto=_re(r"\bno (?:te |le |os )?(?:puedo |podemos )?(?:garantiz|asegur)"),
        suggestion="Estamos haciendo todo lo posible y te iré contando cómo avanza.",
    ),
    Cue(
        _re(
            r"\b(?:seguro al cien|al cien por cien|cien por cien|100 ?%|sin falta|con toda seguridad|definitivamente)"
        ),
        "certainty",
        suggestion="Estamos trabajando en ello; te aviso cuando esté listo en lugar de adivinar una fecha.",
    ),
    Cue(
        _re(
            r"\bno volverá a (?:ocurrir|pasar|suceder)\b|\bnunca más\b|\bno volverás a\b|\bjamás\b|\bnunca volverá\b"
        ),
        "never again",
        suggestion="Hemos tomado medidas para que sea mucho menos probable y estaré pendiente de tu cuenta.",
    ),
    Cue(
        _re(r"\bpara siempre\b|\bde por vida\b|\bmientras sigas\b"),
        "beyond authority",
        suggestion="Déjame consultar con facturación qué podemos ofrecerte y te respondo hoy.",
    ),
    Cue(
        _re(WHEN),
        "date",
        veto=_re(HEDGE + "|" + OWN_WORK + r"|\bhace\b|\bdesde\b"),
        needs=_re(FUTURE + r"|^\W*(?:\w+\W+){0,4}\w+\W*$"),
        suggestion="El equipo está trabajando en la solución; te aviso cuando esté lista en lugar de adivinar una fecha.",
    ),
)

RULES = LanguageRules(
    code="es",
    stemmer="spanish",
    stop_words=frozenset(
        [
            "a",
            "al",
            "algo",
            "algún",
            "alguna",
            "algunas",
            "alguno",
            "algunos",
            "ante",
            "antes",
            "aquí",
            "así",
            "aun",
            "aunque",
            "cada",
            "como",
            "con",
            "contra",
            "cual",
            "cuando",
            "de",
            "del",
            "desde",
            "donde",
            "dos",
            "el",
            "ella",
            "ellas",
            "ellos",
            "en",
            "entre",
            "era",
            "eran",
            "es",
            "esa",
            "esas",
            "ese",
            "eso",
            "esos",
            "esta",
            "estaba",
            "estado",
            "están",
            "estar",
            "este",
            "esto",
            "estos",
            "fue",
            "fueron",
            "ha",
            "había",
            "han",
            "has",
            "hasta",
            "hay",
            "he",
            "la",
            "las",
            "le",
            "les",
            "lo",
            "los",
            "más",
            "me",
            "mi",
            "mis",
            "mucho",
            "muy",
            "nada",
            "ni",
            "no",
            "nos",
            "nosotros",
            "o",
            "os",
            "otra",
            "otro",
            "para",
            "pero",
            "poco",
            "por",
            "porque",
            "que",
            "qué",
            "se",
            "sea",
            "según",
            "ser",
            "si",
            "sí",
            "sin",
            "sobre",
            "son",
            "su",
            "sus",
            "también",
            "tan",
            "te",
            "tengo",
            "tiene",
            "tienen",
            "todo",
            "todos",
            "tu",
            "tus",
            "un",
            "una",
            "uno",
            "unos",
            "usted",
            "ya",
            "yo",
            "hola",
            "gracias",
            "buenas",
            "buenos",
            "días",
            "estimado",
            "estimada",
            "puedo",
            "puede",
            "vez",
            "cómo",
        ]
    ),
    greeting=_re(r"^\s*¡?(?:hola|buenas|buenos días|buenas tardes|estimad[oa])\b[^,.!:\n]{0,40}[,.!:\n]\s*"),
    stock_sentence=_re(
        r"^¡?(?:gracias|muchas gracias|le agradecemos|lamentamos|te entiendo|entiendo|que tengas)"
    ),
    reflecting=_re(
        r"\b(?:tu|tus|su|sus|te|tienes|quieres|necesitas|usas|haces|adjuntáis|tenéis|queréis)\b|\blo entiendo\b|"
        r"\bmenudo\b|\bcomprendo\b|\blo siento\b|\bes mucho\b"
    ),
    reasoning=REASONING,
    resolution=RESOLUTION,
    overpromise=OVERPROMISE,
    formal=(
        _re(r"\bestimad[oa]s?\b"),
        _re(r"\ble (?:informamos|comunicamos|rogamos|agradecemos)\b"),
        _re(r"\batentamente\b|\breciba un cordial saludo\b|\bquedamos a su disposición\b"),
        _re(r"\blamentamos las molestias\b|\bdepartamento correspondiente\b|\bdicho plazo\b"),
        _re(r"\busted\b"),
    ),
    warm=(_re(r"^\s*¡"), _re(r"!"), _re(r"\b(?:lo siento|perdona|gracias por|buena idea|me encanta)\b|🙂")),
    dismissive=(
        _re(r"\b(?:lee|consulta|consulte|revisa) (?:la documentación|el centro de ayuda)\b"),
        _re(r"\bestá en la documentación\b|\bno es (?:nuestro problema|problema nuestro)\b"),
    ),
    familiar=_re(r"\b(?:te|tu|tus|ti|contigo|os|tienes|puedes|quieres|habéis|tenéis)\b"),
    missing_suggestions={
        "restates": "Di con tus palabras lo que el cliente quiere hacer, o entra en los detalles que te dio.",
        "reasoning": "Explica el porqué: la causa del problema o la razón y el compromiso detrás de la respuesta.",
        "resolution": "Termina con un siguiente paso claro: lo que has hecho o harás (y más o menos cuándo), una "
        "decisión o un paso concreto para el cliente.",
    },
    tone_suggestions={
        "formal": "Suena rígido: escribe como hablarías con un cliente al que respetas, tuteando si el equipo lo hace "
        "y con menos fórmulas.",
        "curt": "Suena seco: reconoce la pregunta y dale al cliente algo con lo que avanzar.",
        "casual": "Suena más informal que la voz del equipo: menos exclamaciones, saludo y despedida completos.",
    },
)
