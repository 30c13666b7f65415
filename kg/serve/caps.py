"""The endpoint's default caps, shared by ``kg.serve``, its guard and the CLI (--max-body, --max-query-length)."""

MAX_BODY = 1_048_576  # bytes of a request body (and of a URL)
MAX_QUERY = 100_000  # characters of a query
