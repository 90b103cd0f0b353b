"""Does a JSON-LD processor (pyld, PyPI) see every property Plenum writes? A name the document's
@context does not define is lost to JSON-LD consumers: dropped by expansion, or (the
ActivityStreams context maps unknown terms with `"@vocab": "_:"`) turned into a blank-node IRI
that means nothing to anyone. The check expands each document with pyld (offline, with the
contexts fediverse software ships with) and lists the property and type names that end up
undefined or that do not survive a round trip back to the document's own context."""

from pyld import jsonld


def use_offline_contexts(contexts):
    """Serves JSON-LD contexts from `contexts` (url → document); any other URL is an error."""
    def loader(url, options=None):
        key = url.split("#")[0]
        for candidate in (key, key.rstrip("/"), key + "/"):
            if candidate in contexts:
                return {"contextUrl": None, "documentUrl": url, "document": contexts[candidate]}
        raise jsonld.JsonLdError(f"context {url} is not available offline", "loading document failed")
    jsonld.set_document_loader(loader)


def _names(value, into, with_values_only=False):
    """Every property name in a document; with `with_values_only`, only those that carry
    something (a JSON null carries nothing, and JSON-LD drops it)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key != "@context" and not (with_values_only and inner is None):
                into.add(key)
                _names(inner, into, with_values_only)
    elif isinstance(value, list):
        for inner in value:
            _names(inner, into, with_values_only)
    return into


def _undefined(expanded, into):
    """Properties and types that expanded to blank-node IRIs (`_:name`): undefined terms."""
    if isinstance(expanded, dict):
        for key, inner in expanded.items():
            if key.startswith("_:"):
                into.add(key[2:])
            if key == "@type":
                into.update(t[2:] for t in (inner if isinstance(inner, list) else [inner]) if isinstance(t, str) and t.startswith("_:"))
            _undefined(inner, into)
    elif isinstance(expanded, list):
        for inner in expanded:
            _undefined(inner, into)
    return into


def dropped_properties(document):
    """Names in `document` a JSON-LD consumer cannot see: undefined, or lost in expansion."""
    expanded = jsonld.expand(document)
    compacted = jsonld.compact(expanded, document.get("@context", {}))
    lost = _names(document, set(), with_values_only=True) - _names(compacted, set())
    return sorted(lost | _undefined(expanded, set()))
