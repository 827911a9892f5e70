#!/usr/bin/env python3
"""Writes the linuxns manual pages from include/linuxns.h.

    tools/mangen.py [--header FILE] [--out DIR] [--check]

The header is the single source: its opening comment becomes linuxns(7),
each exported function's doc comment its page in section 3. The
ns_spawn_attr_* functions share ns_spawn_attr(3); a page named after each
of them is a `.so` link to it. Pages that are no longer generated are
removed from DIR/man3 and DIR/man7, so DIR always matches the header.

Every function's doc comment follows one template, in this order:

    One-line summary.

    Description paragraphs, and one paragraph per parameter that needs
    it, starting "`name`: ...".

    Returns: ...

    Errors:
    -EXXX: when ...          (one errno per line, each once; a longer
      text goes on indented lines; "EXXX:" without the minus for
      functions that return a pointer and set errno; "Errors: none."
      for functions that cannot fail)

    Thread safety: ...

    Kernel: ...              (minimum version and fallback, or "any")

No line may start with '#' (a Rust heading such as "# Safety"). A comment
off the template is reported, naming the function and what is wrong, and
nothing is written: the exit status is 1. --check only checks.

Python 3 standard library only.
"""

import argparse
import errno as errno_module
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The functions that share one page, named after the type they work on.
GROUPS = {"ns_spawn_attr": re.compile(r"^ns_spawn_attr_")}

ERRNO_NAMES = {n for n in dir(errno_module) if re.fullmatch(r"E[A-Z0-9]+", n)}

SECTIONS = ("Returns:", "Errors:", "Thread safety:", "Kernel:")


class Violation(Exception):
    pass


# ---------------------------------------------------------------------------
# Reading the header


class Item:
    """A documented declaration: kind is "define", "function", "struct" or
    "typedef"."""

    def __init__(self, kind, name, doc, text):
        self.kind = kind
        self.name = name
        self.doc = doc  # list of lines, the comment's text
        self.text = text  # the declaration as written


def comment_lines(block):
    """The text lines of a /** ... */ or /* ... */ block."""
    out = []
    for line in block:
        s = line.strip()
        if s in ("/**", "/*", "*/"):
            continue
        if s.startswith("/*"):
            s = s[2:].lstrip("*")
        if s.endswith("*/"):
            s = s[:-2].rstrip()
        if s.startswith("*"):
            s = s[1:]
            if s.startswith(" "):
                s = s[1:]
        out.append(s.rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def read_header(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    # The opening comment: the model.
    if not lines or not lines[0].startswith("/*"):
        raise Violation(f"{path}: no opening comment")
    end = next(i for i, l in enumerate(lines) if l.rstrip().endswith("*/"))
    preamble = comment_lines(lines[: end + 1])
    version = None
    items = []
    i = end + 1
    while i < len(lines):
        line = lines[i]
        m = re.match(r'#define LINUXNS_VERSION_STRING "([^"]+)"', line)
        if m:
            version = m.group(1)
        if line.strip() == "/**":
            j = i
            while not lines[j].strip().endswith("*/"):
                j += 1
            doc = comment_lines(lines[i : j + 1])
            k = j + 1
            decl = lines[k]
            if decl.startswith("typedef struct") and "{" in decl:
                body = [decl]
                while not lines[k].startswith("}"):
                    k += 1
                    body.append(lines[k])
                name = re.match(r"}\s*(\w+)\s*;", lines[k]).group(1)
                items.append(Item("struct", name, doc, body))
            elif decl.startswith("#define "):
                name = decl.split()[1]
                items.append(Item("define", name, doc, [decl]))
            elif decl.startswith("typedef "):
                m = re.search(r"\(\*\s*(\w+)\)", decl) or re.search(r"(\w+)\s*;$", decl)
                items.append(Item("typedef", m.group(1), doc, [decl]))
            else:
                m = re.search(r"\b(ns_\w+)\(", decl)
                if m:
                    items.append(Item("function", m.group(1), doc, [decl]))
            i = k
        i += 1
    if version is None:
        raise Violation(f"{path}: no LINUXNS_VERSION_STRING")
    # Every exported function must have a doc comment.
    documented = {it.name for it in items if it.kind == "function"}
    for line in lines:
        m = re.match(r"[A-Za-z].*\b(ns_\w+)\(.*\);$", line)
        if m and not line.startswith("typedef") and m.group(1) not in documented:
            raise Violation(f"{m.group(1)}: no doc comment")
    return preamble, version, items


# ---------------------------------------------------------------------------
# Prototypes


def split_params(plist):
    """Top-level comma split of a parameter list."""
    out, depth, cur = [], 0, ""
    for c in plist:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        out.append(cur.strip())
    return [] if out == ["void"] else out


def param_name(p):
    """The parameter's name and where it is in p: the identifier inside
    (*name) for a function pointer, else the last identifier."""
    m = re.search(r"\(\*\s*(\w+)\)", p)
    if m:
        return m.group(1), m.start(1)
    m = list(re.finditer(r"\w+", p))[-1]
    return m.group(0), m.start()


class Function:
    def __init__(self, item):
        self.item = item
        self.name = item.name
        decl = item.text[0]
        m = re.match(r"(.*?)\b" + self.name + r"\((.*)\);$", decl)
        self.ret = m.group(1).strip()
        self.params = split_params(m.group(2))
        self.param_names = [param_name(p)[0] for p in self.params]
        self.returns_pointer = self.ret.endswith("*")
        self.returns_void = self.ret == "void"
        self.parse_doc()

    def fail(self, what):
        raise Violation(f"{self.name}: {what}")

    def parse_doc(self):
        doc = self.item.doc
        for line in doc:
            if line.lstrip().startswith("#"):
                self.fail(f"a '#' heading ({line.strip()!r}): put its content in the template's paragraphs")
        paras, cur = [], []
        for line in doc + [""]:
            if line.strip():
                cur.append(line)
            elif cur:
                paras.append(cur)
                cur = []
        if not paras:
            self.fail("no doc comment")
        first = paras[0]
        if len(first) != 1 or first[0].startswith(SECTIONS) or first[0].startswith("`"):
            self.fail("no one-line summary: the first paragraph must be a single line")
        self.summary = first[0].strip()
        self.body = []  # ("text", lines) or ("param", name, lines)
        self.sections = {}
        seen = []
        for p in paras[1:]:
            head = next((s for s in SECTIONS if p[0].startswith(s)), None)
            if head is None:
                if seen:
                    self.fail(f"a paragraph after {seen[-1]} that is none of {', '.join(SECTIONS)}: {p[0]!r}")
                m = re.match(r"`(\w+)`:\s*(.*)", p[0])
                if m:
                    if m.group(1) not in self.param_names:
                        self.fail(f"a paragraph for `{m.group(1)}`, which is not a parameter")
                    self.body.append(("param", m.group(1), [m.group(2)] + p[1:]))
                else:
                    self.body.append(("text", p))
                continue
            if head in self.sections:
                self.fail(f"two {head} paragraphs")
            if seen and SECTIONS.index(head) < SECTIONS.index(seen[-1]):
                self.fail(f"{head} after {seen[-1]}: the order is {', '.join(SECTIONS)}")
            seen.append(head)
            rest = [p[0][len(head) :].strip()] + p[1:]
            self.sections[head] = [l for l in rest if l.strip()] if head == "Errors:" else rest
        for s in SECTIONS:
            if s not in self.sections:
                self.fail(f"no {s} paragraph")
            if s != "Errors:" and not " ".join(self.sections[s]).strip():
                self.fail(f"an empty {s} paragraph")
        self.errors = self.parse_errors(self.sections["Errors:"])

    def parse_errors(self, lines):
        if [l.strip() for l in lines] == ["none."]:
            # An unsigned return (a mask) has no room for -errno either.
            if not (self.returns_void or self.returns_pointer or self.ret.startswith(("const char", "uint"))):
                self.fail("Errors: none. for a function that returns an errno")
            return []
        if not lines:
            self.fail("an empty Errors: paragraph (write \"Errors: none.\" if it cannot fail)")
        minus = "" if self.returns_pointer else "-"
        entries = []
        for line in lines:
            m = re.match(r"(-?)(E[A-Z0-9]+):\s*(.*)", line)
            if m:
                if m.group(1) != minus:
                    want = f"-{m.group(2)}" if minus else m.group(2)
                    self.fail(f"Errors: write {want}: ({'a negative return' if minus else 'errno, with NULL returned'})")
                if m.group(2) not in ERRNO_NAMES:
                    self.fail(f"Errors: {m.group(2)} is not an errno name")
                if any(e[0] == m.group(2) for e in entries):
                    self.fail(f"Errors: {m.group(2)} twice (one line per errno)")
                entries.append((m.group(2), [m.group(3)]))
            elif line.startswith("  ") and entries:
                entries[-1][1].append(line.strip())
            else:
                self.fail(f"Errors: a line that is neither \"{minus}EXXX: when ...\" nor an indented continuation: {line.strip()!r}")
        return entries

    def text(self):
        """Everything the page says, for cross-references."""
        return "\n".join(self.item.doc)


# ---------------------------------------------------------------------------
# roff


class Roff:
    """Turns the header's plain text into man(7) markup."""

    def __init__(self, functions, types):
        self.functions = set(functions)
        self.types = set(types)

    def inline(self, text, params=()):
        text = " ".join(text.split())
        out = []
        pos = 0
        for m in re.finditer(r"`([^`]+)`", text):
            out.append(self.words(text[pos : m.start()]))
            code = m.group(1)
            font = "I" if code in params else "B"
            out.append(f"\\f{font}\\%{self.escape(code, True)}\\fR")
            pos = m.end()
        out.append(self.words(text[pos:]))
        return "".join(out)

    @staticmethod
    def escape(s, code=False):
        s = s.replace("\\", "\\e")
        if code:
            return s.replace("-", "\\-")
        # A minus sign: errno values and negative numbers.
        return re.sub(r"(?<![\w-])-(?=E[A-Z0-9]|\d)", r"\\-", s)

    def words(self, s):
        s = self.escape(s)

        def bold(m):
            return f"\\fB\\%{m.group(0)}\\fR" if m.group(0) in self.functions else m.group(0)

        return re.sub(r"\bns_[a-z_]+[a-z]\b", bold, s)

    @staticmethod
    def line(s):
        """Text lines that roff cannot take for requests: a sentence per
        line, each wrapped at 78 columns (between words, so font escapes
        stay whole)."""
        out = []
        for sentence in re.split(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[a-zR)\"]\.)\s+(?=[A-Z])", s.strip()):
            cur = ""
            for word in sentence.split(" "):
                if cur and len(cur) + 1 + len(word) > 78:
                    out.append(cur)
                    cur = word
                else:
                    cur = f"{cur} {word}" if cur else word
            out.append(cur)
        return "\n".join("\\&" + l if l[:1] in (".", "'") else l for l in out)

    @staticmethod
    def capital(s):
        """The first word capitalised when it is a plain lower-case word."""
        m = re.match(r"[a-z]+\b(?![(\'_-])", s)
        return s[0].upper() + s[1:] if m else s


def code_line(s):
    """A line of an .EX block, kept as it is."""
    s = Roff.escape(s.rstrip(), True)
    return "\\&" + s if s[:1] in (".", "'") else s


def see_also_refs(text, functions, own):
    """Pages named in the text as name(N), and the functions it mentions,
    each by the page it is on (`functions` maps a function to its page)."""
    refs = set()
    for m in re.finditer(r"\b([a-z][a-z0-9_.-]*[a-z0-9])\((\d)\)", text):
        refs.add((m.group(1), m.group(2)))
    for m in re.finditer(r"\bns_[a-z_]+[a-z]\b", text):
        page = functions.get(m.group(0)) if isinstance(functions, dict) else None
        if page and page not in own:
            refs.add((page, "3"))
    refs.add(("linuxns", "7"))
    return refs


def render_see_also(refs):
    items = sorted(refs, key=lambda r: (r[1], r[0]))
    out = [".SH SEE ALSO"]
    for i, (name, sec) in enumerate(items):
        out.append(f".BR {name} ({sec}){',' if i + 1 < len(items) else ''}")
    return out


def th(title, section, version):
    # The version, never a date: a page changes only when its source does.
    return [
        f'.TH {title.upper()} {section} "" "linuxns {version}" "linuxns manual"',
    ]


def synopsis(funcs):
    out = [".SH SYNOPSIS", ".nf", ".B #include <linuxns.h>"]
    for f in funcs:
        out.append(".PP")
        out.extend(prototype(f))
    out += [".fi", ".PP", "Link with \\fI\\-llinuxns\\fR (\\fBpkg\\-config \\-\\-cflags \\-\\-libs linuxns\\fR)."]
    return out


def prototype(f):
    """The prototype in bold with italic parameter names, wrapped after
    commas and aligned under the opening parenthesis."""
    head = f"{f.ret} {f.name}(" if not f.ret.endswith("*") else f"{f.ret}{f.name}("
    if not f.params:
        return [f"\\fB{Roff.escape(head, True)}void);\\fR"]
    pieces = []
    for p in f.params:
        name, at = param_name(p)
        plain = p + ", "
        roffed = f"\\fB{Roff.escape(p[:at], True)}\\fI{name}\\fB{Roff.escape(p[at + len(name):], True)}"
        pieces.append((plain, roffed))
    lines, cur_plain, cur = [], head, f"\\fB{Roff.escape(head, True)}"
    indent = " " * len(head)
    for n, (plain, roffed) in enumerate(pieces):
        last = n + 1 == len(pieces)
        tail_plain = plain[:-2] + ");" if last else plain.rstrip()
        if len(cur_plain) + len(tail_plain) > 72 and cur_plain.strip() != head.strip():
            lines.append(cur.rstrip() + "\\fR")
            cur_plain, cur = indent, indent + "\\fB"
        cur_plain += plain
        cur += roffed + ("\\fB);" if last else "\\fB, ")
    lines.append(cur.rstrip() + "\\fR")
    return lines


def name_line(names, summary, lower=True):
    s = summary.rstrip(".")
    first = s.split(" ")[0]
    if lower and (first[:1].isupper() and not first.isupper() or first == "A"):
        s = s[0].lower() + s[1:]
    return [".SH NAME", f"{', '.join(names)} \\- {Roff.escape(s)}"]


def body_paragraphs(roff, f, out, after_heading):
    """Description and parameters: plain paragraphs and a tagged list."""
    first = after_heading
    for part in f.body:
        if part[0] == "text":
            if not first:
                out.append(".PP")
            out.append(roff.line(roff.inline(" ".join(part[1]), f.param_names)))
        else:
            out += [".TP", f".I {part[1]}", roff.line(roff.inline(" ".join(part[2]), f.param_names))]
        first = False
    return first


def grouped(roff, funcs, key, heading):
    """One section over several functions: the same text is said once,
    for every function it applies to."""
    out = [f".SH {heading}"]
    texts = []
    for f in funcs:
        t = " ".join(f.sections[key])
        for entry in texts:
            if entry[0] == t:
                entry[1].append(f)
                break
        else:
            texts.append([t, [f]])
    if len(funcs) == 1:
        out.append(roff.line(roff.inline(Roff.capital(texts[0][0]), funcs[0].param_names)))
        return out
    for n, (t, fs) in enumerate(texts):
        if n:
            out.append(".PP")
        names = ", ".join(f"\\fB{f.name}\\fR()" for f in fs)
        params = [p for f in fs for p in f.param_names]
        out.append(roff.line(f"{names}: {roff.inline(t, params)}"))
    return out


def errors_section(roff, funcs):
    out = [".SH ERRORS"]
    for f in funcs:
        if len(funcs) > 1:
            out.append(f".SS {f.name}()")
        if not f.errors:
            out.append("None: this function cannot fail." if not f.returns_void else "None: this function returns nothing and cannot fail.")
            continue
        if f.returns_pointer:
            out.append("On failure NULL is returned and \\fIerrno\\fR is set to:")
        else:
            out.append(Roff.line("On failure the negative of one of these values is returned, and \\fIerrno\\fR is set to it:"))
        for name, text in f.errors:
            minus = "" if f.returns_pointer else "\\-"
            out += [".TP", f".B {minus}{name}", roff.line(roff.inline(Roff.capital(" ".join(text)), f.param_names))]
    return out


def function_page(roff, funcs, title, version, intro=None, page_of=None):
    out = th(title, 3, version)
    names = ([title] if title not in [f.name for f in funcs] else []) + [f.name for f in funcs]
    summary = intro.summary if intro else funcs[0].summary
    out += name_line(names, summary)
    out += synopsis(funcs)
    out.append(".SH DESCRIPTION")
    first = True
    if intro:
        for n, p in enumerate(intro.paras):
            if not first:
                out.append(".PP")
            out.append(roff.line(roff.inline(" ".join(p))))
            first = False
    for f in funcs:
        if len(funcs) > 1:
            out.append(f".SS {f.name}()")
            out.append(roff.line(roff.inline(f.summary, f.param_names)))
            body_paragraphs(roff, f, out, False)
        else:
            out.append(roff.line(roff.inline(f.summary, f.param_names)))
            body_paragraphs(roff, f, out, False)
    out += grouped(roff, funcs, "Returns:", "RETURN VALUE")
    out += errors_section(roff, funcs)
    out += grouped(roff, funcs, "Thread safety:", "THREAD SAFETY")
    out += grouped(roff, funcs, "Kernel:", "VERSIONS")
    text = "\n".join(f.text() for f in funcs) + ("\n" + "\n".join(intro.doc) if intro else "")
    out += render_see_also(see_also_refs(text, page_of or {}, {title}))
    return "\n".join(out) + "\n"


class Intro:
    """The doc comment of the type a grouped page is named after."""

    def __init__(self, item):
        self.doc = item.doc
        paras, cur = [], []
        for line in item.doc + [""]:
            if line.strip():
                cur.append(line)
            elif cur:
                paras.append(cur)
                cur = []
        # The first sentence, up to a colon: "A spawn attribute object".
        first = re.split(r"(?<=[a-z)])\.\s", " ".join(paras[0]) + " ")[0]
        self.summary = first.split(":")[0].strip().rstrip(".")
        self.paras = paras


# ---------------------------------------------------------------------------
# linuxns(7)


def model_page(roff, preamble, version, items, funcs, page_of):
    out = th("linuxns", 7, version)
    title = preamble[0]
    m = re.match(r"\S+\s+-\s+(.*)", title)
    desc = m.group(1) if m else title
    out += name_line(["linuxns"], desc, lower=False)
    out += [
        ".SH SYNOPSIS",
        ".nf",
        ".B #include <linuxns.h>",
        ".fi",
        ".PP",
        "Link with \\fI\\-llinuxns\\fR (\\fBpkg\\-config \\-\\-cflags \\-\\-libs linuxns\\fR).",
        ".SH DESCRIPTION",
    ]
    # Paragraphs, headings (a line in capitals) and "- " lists.
    blocks, cur = [], []
    for line in preamble[1:] + [""]:
        if line.strip():
            cur.append(line)
        elif cur:
            blocks.append(cur)
            cur = []
    first = True
    for b in blocks:
        if b[0].startswith("Generated from"):
            continue
        if len(b) == 1 and re.fullmatch(r"[A-Z][A-Z0-9 ,/()-]+", b[0].strip()):
            out.append(f".SH {b[0].strip()}")
            first = True
            continue
        if b[0].startswith("- "):
            items_ = []
            for line in b:
                if line.startswith("- "):
                    items_.append([line[2:]])
                else:
                    items_[-1].append(line)
            for it in items_:
                out += [".IP \\(bu 2", roff.line(roff.inline(" ".join(it)))]
            first = False
            continue
        if not first:
            out.append(".PP")
        out.append(roff.line(roff.inline(" ".join(b))))
        first = False
    # Constants and types, from the header.
    out.append(".SH CONSTANTS")
    for it in items:
        if it.kind != "define":
            continue
        value = it.text[0].split(None, 2)[2]
        if re.fullmatch(r"[\w\s|()]+", value) and "|" in value:
            value = " | ".join(re.findall(r"\w+", value))
        out += [".TP", f"\\fB{it.name}\\fR = {Roff.escape(value, True)}", roff.line(roff.inline(" ".join(it.doc)))]
    out.append(".SH TYPES")
    for it in items:
        if it.kind not in ("struct", "typedef"):
            continue
        out.append(f".SS {it.name}")
        out.append(roff.line(roff.inline(" ".join(it.doc))))
        code = [l for l in it.text if not l.strip().startswith(("/**", "*", "*/"))]
        out += [".PP", ".EX"] + [code_line(l) for l in code] + [".EE"]
        fields = []
        doc = []
        for l in it.text[1:]:
            s = l.strip()
            if s.startswith(("/**", "*/")):
                continue
            if s.startswith("*"):
                doc.append(s[1:].strip())
                continue
            m = re.match(r".*?(\w+);$", s)
            if m and doc:
                fields.append((m.group(1), " ".join(doc)))
            doc = []
        for name, d in fields:
            out += [".TP", f".I {name}", roff.line(roff.inline(d))]
    out.append(".SH FUNCTIONS")
    out.append("Each function has its own page; the ns_spawn_attr_* functions share " "\\fBns_spawn_attr\\fR(3).")
    for f in funcs:
        out += [".TP", f".BR {f.name} (3)", roff.line(roff.inline(f.summary, f.param_names))]
    refs = see_also_refs("\n".join(preamble), {}, set())
    refs.discard(("linuxns", "7"))
    refs |= {
        ("namespaces", "7"),
        ("user_namespaces", "7"),
        ("pid_namespaces", "7"),
        ("unshare", "2"),
        ("setns", "2"),
        ("clone", "2"),
        ("pidfd_open", "2"),
        ("lsns", "8"),
        ("nsenter", "1"),
        ("ip-netns", "8"),
        ("ns_spawn", "3"),
        ("ns_spawn_attr", "3"),
    }
    out += render_see_also(refs)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------


def generate(header):
    preamble, version, items = read_header(header)
    problems = []
    funcs = []
    for it in items:
        if it.kind == "function":
            try:
                funcs.append(Function(it))
            except Violation as e:
                problems.append(str(e))
    if problems:
        raise Violation("\n".join(problems))
    names = [f.name for f in funcs]
    types = [it.name for it in items if it.kind in ("struct", "typedef")]
    roff = Roff(names, types)
    pages = {}
    grouped_funcs = {g: [f for f in funcs if rx.match(f.name)] for g, rx in GROUPS.items()}
    page_of = {f.name: f.name for f in funcs}
    for g, fs in grouped_funcs.items():
        for f in fs:
            page_of[f.name] = g
    for g, fs in grouped_funcs.items():
        if not fs:
            continue
        intro_item = next((it for it in items if it.name == g and it.kind in ("typedef", "struct")), None)
        if intro_item is None:
            raise Violation(f"{g}: the shared page is named after a type the header does not declare")
        pages[f"man3/{g}.3"] = function_page(roff, fs, g, version, Intro(intro_item), page_of)
        for f in fs:
            pages[f"man3/{f.name}.3"] = f".so man3/{g}.3\n"
    for f in funcs:
        if page_of[f.name] == f.name:
            pages[f"man3/{f.name}.3"] = function_page(roff, [f], f.name, version, None, page_of)
    pages["man7/linuxns.7"] = model_page(roff, preamble, version, items, funcs, page_of)
    return pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--header", default=os.path.join(ROOT, "include", "linuxns.h"))
    ap.add_argument("--out", default=os.path.join(ROOT, "man"))
    ap.add_argument("--check", action="store_true", help="check the template only; write nothing")
    args = ap.parse_args()
    try:
        pages = generate(args.header)
    except Violation as e:
        for line in str(e).split("\n"):
            print(f"mangen: {line}", file=sys.stderr)
        print("mangen: doc comments off the template (see tools/mangen.py); nothing written", file=sys.stderr)
        return 1
    if args.check:
        return 0
    for sub in ("man3", "man7"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
        for name in os.listdir(os.path.join(args.out, sub)):
            if name.endswith("." + sub[-1]) and f"{sub}/{name}" not in pages:
                os.remove(os.path.join(args.out, sub, name))
    for rel, text in pages.items():
        path = os.path.join(args.out, rel)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue
        except FileNotFoundError:
            pass
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
