"""newsqa: answers questions about Chinese newspaper articles with the sentence that holds the fact."""

import sys as _sys

# jieba imports setuptools' pkg_resources (0.15 s of every start; deprecated, and gone from new setuptools) only to
# open its own data files, and falls back to plain paths beside its code when the import fails: make it fail while
# jieba is imported, then let any later import of pkg_resources work as usual.
if "jieba" not in _sys.modules and "pkg_resources" not in _sys.modules:
    _sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba  # noqa: F401
    finally:
        del _sys.modules["pkg_resources"]
