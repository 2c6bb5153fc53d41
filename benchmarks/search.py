"""Search speed: core.search over a help center of 10,000 articles, beside a plain case-insensitive
substring search (Django's `icontains`: LIKE on SQLite, UPPER(…) LIKE UPPER(…) on PostgreSQL, what
ILIKE does) over the title and body of the same rows: what a help desk without search does.

Run it:

  .venv/bin/python benchmarks/search.py                      # SQLite, in var/benchmark-search/
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/concierge_bench_search .venv/bin/python benchmarks/search.py

The workspace "search-bench" is made once with --articles generated articles (a vocabulary of a few
thousand words, Zipf-distributed as words are; a title, 2–5 headings and 150–700 words each; three in
ten in Spanish) and reused by later runs. Then a fixed mix of queries (single words, two or three
words, typos, prefixes as typed, queries that find nothing, questions as visitors type them) runs
once to warm up, then --rounds times through `search_documents` and --substring-rounds times
through the substring search, the kinds shuffled together; it prints the machine's cores and load,
and the median, p95 and p99 per kind of query and overall, in milliseconds: wall time, the CPU time
of this process, and on PostgreSQL running on the same (Linux) machine the server backend's CPU time
(from its scheduler figures) and the sum of both, what a query costs apart from waiting for a core
on a busy machine. Results go to docs/benchmarks.md by hand.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SLUG = "search-bench"

# Words in the order of how often they are written: the little words first, as in any text (Zipf).
ENGLISH_WORDS = """the and to you your for with from when how what can this that into each every after
before only then also more most new see use need account add admin agent alert answer api app article
assign attach automatic billing browser bulk calendar cancel card change channel chat close code company
configure connect contact conversation copy create credit csv customer dashboard data date default
delete device disable domain download draft edit email enable error event export feature field file
filter folder form guide help history import inbox install integration invite invoice language limit
link list login logo mailbox manage message migrate mobile note notification office open order owner
page password payment permission phone plan price privacy profile publish rating receipt refund remove
reply report request reset role rule save schedule search security send server session settings share
sign single snippet source spam status subscription support sync tag team teammate template ticket time
token trial update upgrade upload user verify view webhook widget workspace"""
SPANISH_WORDS = """el la de que los las en del con para por como cuando tu su una uno mas cada despues
antes cuenta agregar agente alerta respuesta articulo asignar adjuntar facturacion navegador cancelar
tarjeta cambiar canal cerrar codigo empresa configurar conectar contacto conversacion copiar crear
cliente panel datos fecha eliminar dispositivo dominio descargar borrador editar correo error evento
exportar campo archivo filtro carpeta formulario ayuda historial importar instalar invitar factura
idioma enlace lista mensaje nota notificacion abrir pedido propietario pagina contrasena pago permiso
telefono plan precio privacidad perfil publicar recibo reembolso responder informe solicitud
restablecer regla guardar programar buscar seguridad enviar sesion ajustes compartir estado suscripcion
soporte etiqueta equipo plantilla tiempo actualizar subir usuario verificar"""
QUESTIONS = ["how to", "how can you", "what is your", "how do you", "can you"]
SYLLABLE_LIST = "ba be bi bo ca ce ci co da de di do fa fe fi ga ge la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi"
ENGLISH, SPANISH, SYLLABLES = ENGLISH_WORDS.split(), SPANISH_WORDS.split(), SYLLABLE_LIST.split()


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5, help="times the whole mix of queries runs")
    parser.add_argument(
        "--substring-rounds", type=int, default=1, help="times the mix runs through the substring search"
    )
    parser.add_argument(
        "--substring-sample",
        type=int,
        default=None,
        help="the substring search runs only this many queries of each kind (it takes seconds a query "
        "on PostgreSQL)",
    )
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("CONCIERGE_VAR_DIR", str(PROJECT_DIR / "var" / "benchmark-search"))


def vocabulary(words: list[str], size: int, rng: random.Random) -> list[str]:
    """Real words first (the most frequent), then made-up ones up to `size`."""
    made = set(words)
    result = list(dict.fromkeys(words))
    while len(result) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in made:
            made.add(word)
            result.append(word)
    return result


def zipf_weights(count: int) -> list[float]:
    return [1 / (rank + 1) for rank in range(count)]


def generated_article(rng: random.Random, words: list[str], weights: list[float]) -> tuple[str, str, str]:
    def phrase(low: int, high: int) -> str:
        return " ".join(rng.choices(words, weights, k=rng.randint(low, high)))

    title = phrase(3, 7).capitalize()
    headings = [phrase(2, 5).capitalize() for _ in range(rng.randint(2, 5))]
    total = rng.randint(150, 700)
    sections, written = [], 0
    for heading in headings:
        length = min(total - written, max(20, total // len(headings)))
        sentences = []
        while length > 0:
            size = min(length, rng.randint(6, 18))
            sentences.append(" ".join(rng.choices(words, weights, k=size)).capitalize() + ".")
            length -= size
        written += sum(len(s.split()) for s in sentences)
        sections.append(f"## {heading}\n\n" + " ".join(sentences))
    return title, "\n".join(headings), "\n\n".join(sections)


def prepare_workspace(args: argparse.Namespace):
    import django

    django.setup()
    from django.db import connection, transaction
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from concierge.core.management.migrating import migrate_with_progress
    from concierge.core.models import SearchEntry
    from concierge.core.search import SearchDocument, index_documents
    from concierge.workspaces.models import Workspace
    from concierge.workspaces.services import create_workspace

    console = Console(stderr=True)
    migrate_with_progress(console)
    workspace = Workspace.objects.filter(slug=SLUG).first() or create_workspace(
        name="Search bench",
        slug=SLUG,
        timezone_name="UTC",
        owner_email="owner@search-bench.test",
        owner_password="a long benchmark password",
    )
    have = SearchEntry.objects.filter(workspace=workspace).count()
    rng = random.Random(7)
    english = vocabulary(ENGLISH, 3_000, rng)
    spanish = vocabulary(SPANISH, 2_000, rng)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("Indexing generated articles", total=args.articles, completed=have)
        batch = []
        for number in range(args.articles):
            locale = "es" if number % 10 < 3 else "en"
            words = spanish if locale == "es" else english
            article = generated_article(rng, words, zipf_weights(len(words)))
            if number < have:
                continue
            title, headings, body = article
            batch.append(SearchDocument(workspace.id, "article", number + 1, locale, title, headings, body))
            if len(batch) == 500 or number == args.articles - 1:
                with transaction.atomic():
                    index_documents(batch)
                progress.advance(task, len(batch))
                batch = []
    with connection.cursor() as cursor:
        # Fresh planner statistics after a large insert (autovacuum would get there, but later).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return workspace, english, spanish


def query_mix(english: list[str], spanish: list[str]) -> dict[str, list[tuple[str, bool, str | None]]]:
    """(query, prefix, locale) per kind of query, the same every run."""
    rng = random.Random(11)

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word) - 1)
        return rng.choice([word[:i] + word[i + 1 :], word[:i] + word[i + 1] + word[i] + word[i + 2 :]])

    common, middling, rare = english[25:300], english[300:1200], english[1200:]
    long_words = [w for w in middling if len(w) >= 7]
    return {
        "one word": [(rng.choice(common + middling + rare), False, None) for _ in range(30)],
        "two-three words": [
            (" ".join(rng.sample(english[25:600], rng.choice([2, 3]))), False, "en") for _ in range(30)
        ],
        "typo": [(typo(rng.choice(long_words)), False, "en") for _ in range(20)]
        + [(typo(rng.choice([w for w in spanish[200:900] if len(w) >= 7])), False, "es") for _ in range(10)],
        "prefix": [(rng.choice(middling)[: rng.randint(3, 5)], True, "en") for _ in range(30)],
        "no result": [("qx" + "".join(rng.choices("zqxjkv", k=5)), False, None) for _ in range(30)],
        # As visitors ask: little words around one or two that say what they want.
        "question": [
            (
                f"{rng.choice(QUESTIONS)} {' '.join(rng.sample(english[25:900], rng.choice([1, 2])))}",
                False,
                "en",
            )
            for _ in range(30)
        ],
    }


def substring_search(workspace_id: int, query: str, limit: int = 10) -> list[int]:
    from django.db.models import Q

    from concierge.core.models import SearchEntry
    from concierge.core.search import words_of

    rows = SearchEntry.objects.filter(workspace_id=workspace_id, kind="article", audience="public")
    for word in words_of(query):
        rows = rows.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return list(rows.order_by("object_id").values_list("object_id", flat=True)[: limit + 1])


def measure(args, workspace, mix) -> dict[str, dict[str, list[float]]]:
    from concierge.core.search import search_documents

    def ours(query, prefix, locale):
        search_documents(workspace.id, "article", query, locale=locale, prefix=prefix)

    def substring(query, prefix, locale):
        substring_search(workspace.id, query)

    run_mix(mix, ours, rounds=1, label="Warming up")  # caches filled, as on a server that has run a while
    cpu: dict[str, list[float]] = {}
    server: dict[str, list[float]] = {}
    timings = {
        "core.search": run_mix(mix, ours, rounds=args.rounds, label="core.search", cpu=cpu, server=server)
    }
    sampled = {kind: queries[: args.substring_sample] for kind, queries in mix.items()}
    timings["substring"] = run_mix(sampled, substring, rounds=args.substring_rounds, label="substring search")
    timings["core.search CPU"] = cpu
    if server:
        timings["server CPU"] = server
    return timings


def server_cpu_clock():
    """The PostgreSQL backend's CPU time in milliseconds, when the server runs on this machine and its
    process's scheduler figures are readable (Linux); None otherwise. On a busy machine it says what a
    query cost the server apart from its waits for a core."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        figures = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")
    try:
        figures.read_text()
    except OSError:
        return None
    return lambda: int(figures.read_text().split()[0]) / 1e6


def run_mix(
    mix, search, *, rounds: int, label: str, cpu: dict | None = None, server: dict | None = None
) -> dict[str, list[float]]:
    """Milliseconds per query, by kind of query; the kinds interleaved, so a burst of load on the
    machine falls on every kind alike. `cpu` receives the milliseconds this process computed (all of
    the work on SQLite, which runs inside it; the client's share on PostgreSQL): on a busy machine,
    what a query costs apart from its wait for a core. `server` receives the PostgreSQL backend's
    CPU milliseconds, when they can be read (server_cpu_clock)."""
    server_clock = server_cpu_clock() if server is not None else None
    from rich.console import Console
    from rich.progress import Progress

    timings: dict[str, list[float]] = {kind: [] for kind in mix}
    order = [(kind, query) for kind, queries in mix.items() for query in queries]
    random.Random(3).shuffle(order)
    with Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task(label, total=rounds * len(order))
        for _ in range(rounds):
            for kind, (query, prefix, locale) in order:
                serving = server_clock() if server_clock else 0.0
                started, computing = time.perf_counter(), time.process_time()
                search(query, prefix, locale)
                timings[kind].append((time.perf_counter() - started) * 1000)
                if cpu is not None:
                    cpu.setdefault(kind, []).append((time.process_time() - computing) * 1000)
                if server_clock:
                    server.setdefault(kind, []).append(server_clock() - serving)
                progress.advance(task)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(timings, mix, database: str, articles: int) -> None:
    from concierge.core.search import search_documents

    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{database}, {articles:,} articles; {os.cpu_count()} cores, load average {load} (1 / 5 / 15 min)")
    print("milliseconds per query (median / p95 / p99)")
    server = "server CPU" in timings
    print(
        f"{'kind of query':<16} {'core.search':>24} {'substring (ILIKE)':>24} {'ratio of medians':>17}"
        f" {'core.search CPU':>24}" + (f" {'server CPU':>24} {'client + server CPU':>24}" if server else "")
    )
    for kind in [*mix, "overall"]:
        ours = _values(timings["core.search"], kind)
        theirs = _values(timings["substring"], kind)
        ratio = statistics.median(theirs) / statistics.median(ours)
        cpu = _values(timings["core.search CPU"], kind)
        line = f"{kind:<16} {_figures(ours):>24} {_figures(theirs):>24} {ratio:>16.1f}x {_figures(cpu):>24}"
        if server:
            served = _values(timings["server CPU"], kind)
            both = [a + b for a, b in zip(cpu, served, strict=True)]
            line += f" {_figures(served):>24} {_figures(both):>24}"
        print(line)
    sample = mix["typo"][0]
    workspace_id = _workspace_id()
    corrected = search_documents(workspace_id, "article", sample[0], locale=sample[2]).corrected_query
    print(f'example typo: "{sample[0]}" -> showing results for "{corrected}"')


def _workspace_id() -> int:
    from concierge.workspaces.models import Workspace

    return Workspace.objects.get(slug=SLUG).id


def _values(by_kind: dict[str, list[float]], kind: str) -> list[float]:
    return [v for values in by_kind.values() for v in values] if kind == "overall" else by_kind[kind]


def _figures(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.2f} / {percentile(values, 0.95):.2f} / {percentile(values, 0.99):.2f}"
    )


def main() -> None:
    args = parse_arguments()
    prepare_environment()
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    workspace, english, spanish = prepare_workspace(args)
    from django.db import connection

    mix = query_mix(english, spanish)
    timings = measure(args, workspace, mix)
    report(timings, mix, connection.display_name, args.articles)


if __name__ == "__main__":
    main()
