"""Issue 14 item 11: Bootstrap slimmed to the rules a page can use (web/slimcss.py)."""

from healthcheck.web import slimcss

CSS = (
    '@charset "UTF-8";/*! licence */:root{--x:1}body{margin:0}'
    ".btn,.unused{color:red}.unused{color:blue}.btn:not(.disabled,.gone){x:1}"
    ".alert-success{c:1}.alert-danger{c:2}"
    "@media (min-width:992px){.navbar-expand-lg .navbar-collapse{display:flex}.zzz{a:b}}"
    "@media print{.nothing{a:b}}@keyframes spin{0%{a:b}to{a:c}}"
    '.icon{background:url("data:image/svg+xml,a{b}c")}'
    "/*# sourceMappingURL=x.map */"
)


def test_i14_11_slim_keeps_what_templates_name_and_drops_the_rest():
    words, prefixes = slimcss.vocabulary(
        ['<div class="btn navbar-expand-lg icon">', '<p class="navbar-collapse alert-{{ category }}">']
    )
    assert prefixes == ("alert-",)
    out = slimcss.slim(CSS, words, prefixes)
    assert out == (
        '@charset "UTF-8";/*! licence */:root{--x:1}body{margin:0}'
        ".btn{color:red}"  # the unused selector of the list goes, the rule stays
        # .btn:not(.disabled,.gone) names classes no template has, so it goes
        ".alert-success{c:1}.alert-danger{c:2}"  # built as alert-{{ ... }}: every alert- class stays
        # the empty @media print goes
        "@media (min-width:992px){.navbar-expand-lg .navbar-collapse{display:flex}}"
        "@keyframes spin{0%{a:b}to{a:c}}"
        '.icon{background:url("data:image/svg+xml,a{b}c")}'  # braces inside a string are not blocks
    )


def test_i14_11_selector_lists_split_only_on_top_level_commas():
    assert slimcss._selectors(".a:not(.b,.c), .d[x='1,2']") == [".a:not(.b,.c)", ".d[x='1,2']"]
