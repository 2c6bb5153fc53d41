"""A folder of Markdown files with YAML front matter, in and out of the help center, so a team that
keeps its docs in git can sync them (docs/helpcenter.md, "Import and export").

    reset-password.md        the article 'reset-password' in one language (its front matter says which)
    reset-password.es.md     the same article in Spanish: `<slug>.<locale>.md`

An import is all or nothing: every file is read and checked before anything is written, and any
problem — named with its file and line — leaves the help center as it was. Importing the same
folder again changes only what changed (a new revision only when a translation's words did)."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from concierge.core.errors import InvalidInput, ServiceError
from concierge.helpcenter.models import Article, ArticleTranslation, Collection
from concierge.helpcenter.selectors.articles import all_translations, collection_name
from concierge.helpcenter.services import writing
from concierge.workspaces.models import Teammate, Workspace
from concierge.workspaces.services import Actor

FRONT_MATTER_KEYS = ("title", "locale", "collection", "state", "visibility", "summary")
REQUIRED_KEYS = ("title", "locale", "collection")
FRONT_MATTER_FIRST_LINE = 2  # the line after the opening '---'
IMPORTED = "Imported"
DEFAULT_IMPORT_STATE = ArticleTranslation.State.PUBLISHED  # a docs repository's files are what is live
# libyaml's loader when PyYAML was built with it (its wheels are), the pure-Python one otherwise: the
# same safe constructors either way.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SKIPPED_NAMES = frozenset({"readme.md"})  # a folder's own README is not an article


class FolderImportError(InvalidInput):
    """The folder was not imported; `problems` names every bad file and line found."""

    def __init__(self, problems: list[str]):
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}. Nothing was imported.", field="directory")
        self.problems = problems


class FileProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ArticleFile:
    """One file, read and checked: one translation of one article."""

    name: str  # the path inside the folder, as problems name it
    slug: str
    locale: str
    title: str
    summary: str
    body: str
    state: str
    visibility: str
    collection: str | None
    collection_line: int


@dataclass
class FolderImport:
    """What an import did, for its summary."""

    files: int = 0
    articles_created: int = 0
    articles_updated: int = 0
    translations_created: int = 0
    translations_updated: int = 0
    translations_unchanged: int = 0
    collections_created: int = 0
    collections_updated: int = 0
    skipped: list[str] = field(default_factory=list)


# --- reading one file -------------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[str, str]:
    """(the YAML between the '---' lines, the Markdown after them)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FileProblem(
            1,
            "no front matter: the file must start with a line '---', then title, locale "
            "and collection, then a line '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    raise FileProblem(1, "the front matter is not closed: add a line '---' after it")


def parse_front_matter(source: str) -> tuple[dict, dict[str, int]]:
    """The front matter's values, and the file line each key is on."""
    loader = SAFE_LOADER(source)
    try:
        node = loader.get_single_node()  # composed once: its marks give each key's line
        values = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last_line = max(0, len(source.split("\n")) - 1)  # a problem at the end is on the last line
        line = FRONT_MATTER_FIRST_LINE + min(mark.line if mark else 0, last_line)
        raise FileProblem(line, f"the front matter is not valid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise FileProblem(FRONT_MATTER_FIRST_LINE, f"the front matter is not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        raise FileProblem(
            FRONT_MATTER_FIRST_LINE, "the front matter must be 'key: value' lines (title, locale, collection)"
        )
    lines = {str(key.value): FRONT_MATTER_FIRST_LINE + key.start_mark.line for key, _ in node.value}
    return values, lines


def scalar_text(value, key: str, line: int) -> str | None:
    """A front matter value as text: `title: 404` is the text '404'."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise FileProblem(line, f"'{key}' must be text")


def name_parts(path: Path) -> tuple[str, str | None]:
    """'reset-password.es.md' -> ('reset-password', 'es'); 'reset-password.md' -> ('reset-password', None)."""
    stem = path.name[: -len(".md")]
    slug, _, locale = stem.partition(".")
    return slug, locale or None


def checked(line: int, clean, *args, **kwargs):
    try:
        return clean(*args, **kwargs)
    except ServiceError as exc:
        raise FileProblem(line, exc.message) from exc


def read_article_file(path: Path, name: str) -> ArticleFile:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(1, "the file is not UTF-8 text") from exc
    yaml_source, body = split_front_matter(text.replace("\r\n", "\n"))
    values, lines = parse_front_matter(yaml_source)
    for key in values:
        if key not in FRONT_MATTER_KEYS:
            raise FileProblem(lines[str(key)], f"unknown key '{key}' (known: {', '.join(FRONT_MATTER_KEYS)})")
    for key in REQUIRED_KEYS:
        if key not in values:
            blank = " (leave it empty for no collection)" if key == "collection" else ""
            raise FileProblem(1, f"the front matter has no '{key}'{blank}")
    text_of = {key: scalar_text(values.get(key), key, lines.get(key, 1)) for key in FRONT_MATTER_KEYS}
    slug_text, locale_in_name = name_parts(path)
    slug = checked(1, writing.clean_slug, slug_text, field="the file name's slug")
    locale = checked(lines["locale"], writing.clean_locale, text_of["locale"])
    if locale_in_name is not None and checked(1, writing.clean_locale, locale_in_name) != locale:
        raise FileProblem(
            lines["locale"], f"locale '{locale}' differs from the file name's '{locale_in_name}'"
        )
    return ArticleFile(
        name=name,
        slug=slug,
        locale=locale,
        title=checked(lines["title"], writing.clean_title, text_of["title"]),
        summary=checked(lines.get("summary", 1), writing.clean_summary, text_of["summary"]),
        body=checked(FRONT_MATTER_FIRST_LINE + len(yaml_source.split("\n")), writing.clean_body, body),
        state=checked(lines.get("state", 1), writing.clean_state, text_of["state"] or DEFAULT_IMPORT_STATE),
        visibility=checked(
            lines.get("visibility", 1), writing.clean_visibility, text_of["visibility"] or "public"
        ),
        collection=(text_of["collection"] or "").strip() or None,
        collection_line=lines["collection"],
    )


# --- reading the folder -----------------------------------------------------------------------


def markdown_files(directory: Path) -> list[Path]:
    """The folder's .md files, its subfolders' too, hidden ones (.git) and READMEs left out."""
    return sorted(
        path
        for path in directory.rglob("*.md")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
        and path.name.lower() not in SKIPPED_NAMES
    )


def read_folder(directory: Path) -> list[ArticleFile]:
    """Every file read and checked; all the problems found, or none."""
    if not directory.is_dir():
        raise FolderImportError([f"{directory}: no such folder"])
    paths = markdown_files(directory)
    if not paths:
        raise FolderImportError([f"{directory}: no Markdown (.md) files in it"])
    files, problems, seen = [], [], {}
    for path in paths:
        name = str(path.relative_to(directory))
        try:
            article_file = read_article_file(path, name)
        except FileProblem as problem:
            problems.append(f"{name}, line {problem.line}: {problem.message}")
            continue
        key = (article_file.slug, article_file.locale)
        if key in seen:
            problems.append(
                f"{name}, line 1: '{article_file.slug}' in '{article_file.locale}' is already in {seen[key]}"
            )
            continue
        seen[key] = name
        files.append(article_file)
    problems.extend(visibility_disagreements(files))
    if problems:
        raise FolderImportError(problems)
    return files


def by_slug(files: list[ArticleFile]) -> dict[str, list[ArticleFile]]:
    groups: dict[str, list[ArticleFile]] = {}
    for article_file in files:
        groups.setdefault(article_file.slug, []).append(article_file)
    return groups


def visibility_disagreements(files: list[ArticleFile]) -> list[str]:
    problems = []
    for slug, group in by_slug(files).items():
        if len({f.visibility for f in group}) > 1:
            names = ", ".join(f"{f.name} ({f.visibility})" for f in group)
            problems.append(
                f"{group[-1].name}, line 1: the files of '{slug}' disagree on its visibility: {names}"
            )
    return problems


# --- writing ----------------------------------------------------------------------------------


def import_articles(
    workspace: Workspace, directory, *, teammate: Teammate | None = None, at: datetime | None = None
) -> FolderImport:
    """Import (or sync again) a folder of Markdown articles: all or nothing."""
    directory = Path(directory)
    files = read_folder(directory)
    summary = FolderImport(files=len(files))
    actor = Actor.for_teammate(teammate) if teammate else Actor.for_command("helpcenter import")
    at = at or timezone.now()
    with transaction.atomic():
        importer = FolderImporter(workspace, summary, teammate=teammate, actor=actor, at=at)
        for slug, group in sorted(by_slug(files).items()):
            importer.import_article(slug, order_for_default_language(group, workspace.locale))
    return summary


def order_for_default_language(group: list[ArticleFile], default_locale: str) -> list[ArticleFile]:
    """The workspace's language first: a new article is created from it, and its collection named."""
    return sorted(group, key=lambda f: (f.locale.split("-")[0] != default_locale.split("-")[0], f.locale))


class FolderImporter:
    """Writes one import's articles through the writing services, in the caller's transaction."""

    def __init__(self, workspace, summary: FolderImport, *, teammate, actor: Actor, at: datetime):
        self.workspace = workspace
        self.summary = summary
        self.teammate = teammate
        self.actor = actor
        self.at = at
        # Read once for the whole import, so a sync where little changed costs few queries.
        self.collections = list(Collection.objects.filter(workspace=workspace).order_by("pk"))
        self.articles = {
            a.slug: a for a in Article.objects.filter(workspace=workspace).select_related("workspace")
        }
        self.translations = {
            (t.article_id, t.locale): t for t in ArticleTranslation.objects.filter(workspace=workspace)
        }

    def import_article(self, slug: str, group: list[ArticleFile]) -> None:
        collection = self.collection_for(group)
        article = self.articles.get(slug)
        if article is None:
            first, *rest = group
            translation = self.write(
                first,
                writing.create_article,
                self.workspace,
                slug=slug,
                locale=first.locale,
                title=first.title,
                body=first.body,
                summary=first.summary,
                collection=collection,
                visibility=first.visibility,
                state=first.state,
                note=IMPORTED,
                actor=self.actor,
                teammate=self.teammate,
                at=self.at,
            )
            self.summary.articles_created += 1
            self.summary.translations_created += 1
            article = translation.article
        else:
            rest = group
            wanted = (collection.pk if collection else None, group[0].visibility)
            if (article.collection_id, article.visibility) != wanted:
                self.write(
                    group[0],
                    writing.update_article,
                    article,
                    actor=self.actor,
                    at=self.at,
                    collection=collection,
                    visibility=group[0].visibility,
                )
                self.summary.articles_updated += 1
        for article_file in rest:
            self.import_translation(article, article_file)

    def import_translation(self, article: Article, article_file: ArticleFile) -> None:
        current = self.translations.get((article.pk, article_file.locale))
        words = {
            "title": article_file.title,
            "summary": article_file.summary,
            "body": article_file.body,
            "state": article_file.state,
        }
        if current is not None and writing.words_unchanged(current, words):
            self.summary.translations_unchanged += 1
            return
        self.write(
            article_file,
            writing.save_translation,
            article,
            locale=article_file.locale,
            title=article_file.title,
            body=article_file.body,
            summary=article_file.summary,
            state=article_file.state,
            teammate=self.teammate,
            at=self.at,
            note=IMPORTED,
        )
        if current is None:
            self.summary.translations_created += 1
        else:
            self.summary.translations_updated += 1

    def write(self, article_file: ArticleFile, service, *args, **kwargs):
        """Call a writing service; a refusal names the file (and undoes the whole import)."""
        try:
            return service(*args, **kwargs)
        except ServiceError as exc:
            raise FolderImportError([f"{article_file.name}, line 1: {exc.message}"]) from exc

    # Collections: named in the files in their language. The one collection they name is found by
    # its slug or its name in that language, or made from the first file's name; names it lacks in
    # the other files' languages are added, names it has are left as they are.
    def collection_for(self, group: list[ArticleFile]) -> Collection | None:
        named = [f for f in group if f.collection]
        if not named:
            return None
        found = {}
        for article_file in named:
            collection = self.existing_collection(article_file.collection, article_file.locale)
            if collection is not None:
                found.setdefault(collection.pk, (collection, article_file))
        if len(found) > 1:
            (first, first_file), (second, second_file) = list(found.values())[:2]
            raise FolderImportError(
                [
                    f"{second_file.name}, line {second_file.collection_line}: collection '{second_file.collection}' "
                    f"is not the collection '{first_file.collection}' that {first_file.name} names"
                ]
            )
        collection = next(iter(found.values()))[0] if found else self.new_collection(named[0])
        self.add_missing_names(collection, named)
        return collection

    def existing_collection(self, value: str, locale: str) -> Collection | None:
        collections = self.collections
        for collection in collections:
            if value in (collection.slug, collection_name(collection, locale)):
                return collection
        return next((c for c in collections if c.slug == slugify(value)), None)

    def new_collection(self, article_file: ArticleFile) -> Collection:
        slug = slugify(article_file.collection)[: writing.SLUG_MAX_LENGTH].strip("-")
        if not slug:
            slug = f"collection-{len(self.collections) + 1}"
        collection = self.write(
            article_file,
            writing.create_collection,
            self.workspace,
            slug=slug,
            names={article_file.locale: article_file.collection},
            actor=self.actor,
            at=self.at,
        )
        self.summary.collections_created += 1
        self.collections.append(collection)
        return collection

    def add_missing_names(self, collection: Collection, named: list[ArticleFile]) -> None:
        names = dict(collection.names)
        for article_file in named:
            if article_file.locale not in names and article_file.collection != collection.slug:
                names[article_file.locale] = article_file.collection
        if names != collection.names:
            self.write(named[0], writing.update_collection, collection, names=names, actor=self.actor)
            self.summary.collections_updated += 1


# --- export -----------------------------------------------------------------------------------


def file_name(translation: ArticleTranslation, default_locale: str) -> str:
    if translation.locale == writing.clean_locale(default_locale):
        return f"{translation.article.slug}.md"
    return f"{translation.article.slug}.{translation.locale}.md"


def file_text(translation: ArticleTranslation) -> str:
    collection = translation.article.collection
    front_matter = {
        "title": translation.title,
        "locale": translation.locale,
        "collection": (collection_name(collection, translation.locale) or collection.slug)
        if collection
        else None,
        "state": translation.state,
        "visibility": translation.article.visibility,
    }
    if translation.summary:
        front_matter["summary"] = translation.summary
    dumped = yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n\n{translation.body}\n"


def export_articles(workspace: Workspace, directory) -> int:
    """Write every translation of the workspace's articles as a file (the format import reads);
    returns how many were written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for translation in all_translations(workspace):
        path = directory / file_name(translation, workspace.locale)
        path.write_text(file_text(translation), encoding="utf-8", newline="\n")
        written += 1
    return written
