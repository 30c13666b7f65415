"""The one exception hierarchy of kg.

Library code raises these; only ``kg.cli`` turns them into a message and an exit code.
Every message is one line that names the file (or query, or graph) and the problem.

    KgError
    ├── InputError                 a source document or path cannot be used
    │   ├── SourceNotFound         a path given on the command line does not exist (and nothing loaded)
    │   ├── DocumentError          one document is unusable (empty, binary, unreadable, bad date)
    │   ├── NoDocuments            no document at all could be loaded (carries the skipped files)
    │   └── StrictFailure          --strict and some file was skipped or truncated (carries them)
    ├── OntologyError              ontology/kg.ttl or shapes.ttl missing or inconsistent with the code
    ├── GraphError                 a graph file cannot be read
    │   └── GraphParseError        ... because it does not parse (line number in the message)
    ├── ValidationError            a graph violates the SHACL shapes (carries the report)
    ├── QueryError                 a SPARQL query cannot be run
    │   ├── UnknownQuery           a named query does not exist (lists the valid names)
    │   ├── QuerySyntaxError       malformed SPARQL (position in the message)
    │   ├── UpdateRefused          SPARQL Update sent to a read-only command
    │   ├── QueryTimeout           the query ran longer than its time limit
    │   └── NotAcceptable          kg serve: no format the client accepts can carry the answer (HTTP 406)
    ├── ExportError                an output cannot be written (unknown format lists the valid ones)
    ├── ExtractionError            extraction failed in a worker process or Dask task (names the document)
    ├── ClusterError               a Dask scheduler cannot be reached or its cluster failed (names the address)
    ├── EndpointError              a SPARQL endpoint or Oxigraph server failed (names the URL, quotes its message)
    └── BuildInterrupted           the user pressed Ctrl-C; nothing partial was written
"""

from __future__ import annotations


class KgError(Exception):
    """Base of every error kg raises on purpose. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class InputError(KgError):
    """A source document or path cannot be used."""

    exit_code = 2


class SourceNotFound(InputError):
    """A path given as a source does not exist."""


class DocumentError(InputError):
    """One document is unusable; ``path`` names it and ``reason`` is a short category."""

    def __init__(self, path: str, problem: str, reason: str = "unusable") -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
        self.reason = reason


class NoDocuments(InputError):
    """No usable document in the sources; ``skipped`` lists why each file was not loaded."""

    def __init__(self, message: str, skipped: tuple = ()) -> None:
        super().__init__(message)
        self.skipped = skipped


class StrictFailure(InputError):
    """``--strict`` build with skipped files or truncated documents; nothing was written."""

    def __init__(self, message: str, skipped: tuple = (), notes: tuple = ()) -> None:
        super().__init__(message)
        self.skipped = skipped
        self.notes = notes


class OntologyError(KgError):
    """The ontology or shapes files are missing or disagree with the code."""


class GraphError(KgError):
    """A graph file cannot be read."""

    exit_code = 2


class GraphParseError(GraphError):
    """A graph file does not parse; the message carries the line number when known."""


class ValidationError(KgError):
    """A graph violates the SHACL shapes; ``report`` holds the readable report."""

    exit_code = 3

    def __init__(self, message: str, report: str = "") -> None:
        super().__init__(message)
        self.report = report


class QueryError(KgError):
    """A SPARQL query cannot be run."""

    exit_code = 2


class UnknownQuery(QueryError):
    """A named query does not exist; the message lists the valid names."""


class QuerySyntaxError(QueryError):
    """Malformed SPARQL; the message gives the line and column of the problem."""


class UpdateRefused(QueryError):
    """SPARQL Update was sent to a read-only command."""


class QueryTimeout(QueryError):
    """The query ran longer than its time limit."""


class NotAcceptable(QueryError):
    """No result format the HTTP client accepts can carry the answer (``kg serve``, status 406)."""


class ExportError(KgError):
    """An output cannot be written."""


class ExtractionError(KgError):
    """Extraction failed in a worker process or Dask task; the message names the document(s)."""


class ClusterError(KgError):
    """A Dask scheduler cannot be reached, or the cluster failed; the message names the address."""


class EndpointError(KgError):
    """A SPARQL endpoint (or the Oxigraph server) failed; the message names the URL and quotes the server."""


class BuildInterrupted(KgError):
    """The build was interrupted by the user; previous outputs are untouched."""

    exit_code = 130
