"""Reading a page document (pure: text in, structures out): a scanned newspaper page, as a
Markdown-like text document, into stories.

A page document holds several stories::

    # 主题                      a headline starts a story (# or ##)
    ## 副题                     a ## right under a # headline is that story's subtitle
    正文段落……                  paragraphs, separated by blank lines
    ### 小标题                  ### and #### are subheads; consecutive ones form one subhead
    图为……。 / 沈翠英 摄         a photo: its caption sentence and its credit line
    ……逆行而上。(沈翠英)        a trailing (姓名) is the byline

Above the first headline a scan may keep the page's folio (版头): the edition's date, the
page's number and its name, as papers print them (``2022年6月17日 星期五 第1版 要闻``,
``内蒙古法制报 · 2022年6月17日 · 第01版：要闻 · 责任编辑：王丽萍``); `parse_document`
returns it with the stories. Anything else above the first headline is refused.

The scan leaves scars that are mended here: paragraphs cut in two by column breaks, ASCII
punctuation between Chinese characters. Agencies and officers named in the copy are linked
to the records that exist, or created for an editor to verify.

`parse_page` is pure (text in, structures out) and raises `PageImportError` naming the line;
`import_page` writes everything in one transaction, so a bad document writes nothing.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from chinese.bylines import format_byline, is_byline, people
from chinese.typography import normalize_body_text, normalize_punctuation
from ingest.names import read_name
from newsroom.text import CONTROL_CHARACTERS

HEADING_RE = re.compile(r"^(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
NAME = r"[\u4e00-\u9fff·]{2,8}"
CREDIT_RE = re.compile(rf"^(?:摄影[:：]\s*)?({NAME}(?:[ 、，,]{NAME})*)\s*(?:摄|/摄|摄影)$")
# A trailing (沈翠英) or (本报记者 张红梅 通讯员 李建国); a leading 本报讯（记者 张红梅）.
BYLINE_RE = re.compile(r"\s*[（(]\s*([^（）()]{2,40}?)\s*[）)]\s*$")
DATELINE_RE = re.compile(
    r"^\s*(本报讯|本报[\u4e00-\u9fff]{2,8}\d{0,2}月?\d{0,2}日?电)\s*[（(]\s*([^（）()]{2,40}?)\s*[）)]\s*"
)
CAPTION_RE = re.compile(r"图为([^。！？!?]*)[。！？!?]?")
# A paragraph that ends with one of these is complete; any other is cut (by a column or
# page break) when body text follows it. A closing quote or bracket ends a paragraph only
# after one of them (……守好国门。” but not 称为“草原110”, cut before 的他们).
SENTENCE_END = set("。！？!?…；;：:.—")
CLOSERS = set("”’」』）)》】\"'")
# What never begins a paragraph: the rest of a cut sentence.
NEVER_FIRST = set("，,。、；;：:！!？?）)》】”’")
SUMMARY_LENGTH = 150

# The folio's parts (read after NFKC, so full-width digits are digits).
CHINESE_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九十", start=0)}
FOLIO_PAGE_RE = re.compile(r"第\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*版")
FOLIO_DATE_RE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
FOLIO_WEEKDAY_RE = re.compile(r"星期([一二三四五六日天])")
# The page's name: right after its number (第1版 要闻, 第1版：要闻), or labelled (版名：要闻).
PAGE_NAME = r"([\u4e00-\u9fff]{2,8}(?:[·・][\u4e00-\u9fff]{2,8})?)"
FOLIO_NAME_RE = re.compile(rf"^[\s:：·・|｜/\-—]*{PAGE_NAME}")
FOLIO_LABELLED_NAME_RE = re.compile(rf"版名\s*[:：]\s*{PAGE_NAME}")
# What follows a page number without being its name.
NOT_A_PAGE_NAME = ("星期", "责任编辑", "责编", "编辑", "美编", "校对", "本版", "版式")
# A file name that names the page: 20220617_01_要闻.txt, 第1版要闻.txt, 01版-法治.txt.
FILE_NAME_RE = re.compile(
    r"(?:第\s*\d{1,2}\s*版|(?<!\d)\d{1,2}\s*版?)[\s_\-·.：:]*([\u4e00-\u9fff]{2,8})(?=[\s_\-.]|$)"
)


class PageImportError(ValueError):
    """A document that cannot be imported; the message names the line."""

    def __init__(self, message, line=None):
        self.line = line
        super().__init__(f"第 {line} 行：{message}" if line else message)


@dataclass
class PageHeader:
    """The folio above a page's first headline: what it gives (None or "" where it is
    silent), and its line."""

    date: datetime.date | None
    number: int | None
    name: str
    line: int


@dataclass
class ParsedPhoto:
    caption: str
    credit: str
    line: int


@dataclass
class ParsedArticle:
    title: str
    line: int
    subtitle: str = ""
    byline: str = ""
    blocks: list = field(default_factory=list)  # ("p" | "h", text, line)
    photos: list[ParsedPhoto] = field(default_factory=list)

    @property
    def paragraphs(self):
        return [text for kind, text, _ in self.blocks if kind == "p"]

    @property
    def subheads(self):
        return [text for kind, text, _ in self.blocks if kind == "h"]

    @property
    def body(self):
        """The body as Markdown: blank-line paragraphs and ### subheads."""
        parts = [f"### {text}" if kind == "h" else text for kind, text, _ in self.blocks]
        return "\n\n".join(parts)

    @property
    def summary(self):
        """The lead (导语): the first paragraph, cut at a sentence end when long."""
        first = self.paragraphs[0] if self.paragraphs else ""
        if len(first) <= SUMMARY_LENGTH:
            return first
        cut = first[:SUMMARY_LENGTH]
        end = max(cut.rfind(mark) for mark in "。！？")
        return cut[: end + 1] if end > 0 else cut + "……"

    @property
    def text(self):
        """Everything a reader reads, for finding the names in it."""
        captions = [p.caption for p in self.photos]
        return "\n".join([self.title, self.subtitle, *self.paragraphs, *self.subheads, *captions])


# -- Reading -------------------------------------------------------------------------------


def decode_document(data):
    """Bytes of a page document -> text, refusing what is not UTF-8 text."""
    if not data.strip():
        raise PageImportError("文件为空。", line=1)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise PageImportError("文件含有二进制数据，不是文本文件。", line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PageImportError(
            "文件不是 UTF-8 编码（可能是 GBK/GB18030），请转换为 UTF-8 后再导入。", line=line
        ) from exc
    if control := CONTROL_CHARACTERS.search(text):
        line = text[: control.start()].count("\n") + 1
        raise PageImportError("文件含有控制字符，不是文本文件。", line=line)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- Parsing -------------------------------------------------------------------------------


def _lines(text):
    """(kind, level, text, line number) for each heading and paragraph of the document.
    Lines not separated by a blank line belong to one paragraph."""
    items = []
    paragraph, paragraph_line = [], None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().strip("\u3000").strip()
        heading = HEADING_RE.match(line)
        if (not line or heading) and paragraph:
            items.append(("p", 0, "".join(paragraph), paragraph_line))
            paragraph = []
        if heading:
            level, title = len(heading.group(1)), (heading.group(2) or "").strip()
            if not title:
                raise PageImportError("标题行没有文字。", line=number)
            items.append(("h", level, title, number))
        elif line:
            if not paragraph:
                paragraph_line = number
            paragraph.append(line)
    if paragraph:
        items.append(("p", 0, "".join(paragraph), paragraph_line))
    return items


def _is_complete(paragraph):
    """Does ``paragraph`` end a sentence? Closing quotes and brackets are looked through:
    they end it when what they close did (……国门。” or ……上。（沈翠英））."""
    text = paragraph.rstrip()
    while text and text[-1] in CLOSERS:
        closer = text[-1]
        text = text[:-1].rstrip()
        if closer in "）)" and (opening := max(text.rfind("（"), text.rfind("("))) >= 0:
            text = text[:opening].rstrip()  # ……上。（沈翠英）: what came before the bracket
    return bool(text) and text[-1] in SENTENCE_END


def is_cut(left, right):
    """Was one paragraph cut in two here, by a column or page break? ``left`` does not end
    a sentence, or ``right`` begins with what cannot begin one (，。、 or a closing mark)."""
    return not _is_complete(left) or right[:1] in NEVER_FIRST


def _join(left, right):
    """Mend a paragraph cut in two: nothing is put between Chinese text, digits (同比增长1 |
    5.2%) or punctuation; only two Latin words are joined with a space."""
    if left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


def _is_byline_text(text):
    """Roles and names only (本报记者 张红梅 通讯员 李建国), or names that read as people's."""
    if not is_byline(text):
        return False
    found = people(text)
    return any(p.role for p in found) or all(read_name(p.name, 0) == p.name for p in found)


def _finish(article):
    """Mend cuts, take out byline and photos, normalise punctuation."""
    # Credit lines first: "沈翠英 摄" has no sentence end and must not swallow what follows.
    blocks = []
    for kind, text, line in article.blocks:
        credit = CREDIT_RE.match(text) if kind == "p" else None
        blocks.append(["c", credit.group(1), line] if credit else [kind, text, line])

    mended = []
    for block in blocks:
        previous = mended[-1] if mended else None
        if previous and previous[0] == block[0] == "p" and is_cut(previous[1], block[1]):
            previous[1] = _join(previous[1], block[1])
        else:
            mended.append(block)

    first_paragraph = next((b for b in mended if b[0] == "p"), None)
    dateline = first_paragraph and DATELINE_RE.match(first_paragraph[1])
    if dateline and _is_byline_text(dateline.group(2)):
        article.byline = format_byline(people(dateline.group(2)))
        first_paragraph[1] = first_paragraph[1][dateline.end() :].lstrip()
    last_paragraph = next((b for b in reversed(mended) if b[0] == "p"), None)
    if (
        last_paragraph
        and (byline := BYLINE_RE.search(last_paragraph[1]))
        and _is_byline_text(byline.group(1))
    ):
        # With a dateline byline too, one list of people, each once.
        found = people(article.byline)
        found += [p for p in people(byline.group(1)) if p.name not in {f.name for f in found}]
        article.byline = format_byline(found)
        last_paragraph[1] = last_paragraph[1][: byline.start()].rstrip()

    for block in mended:
        if block[0] == "p":
            block[1] = normalize_body_text(block[1])
        elif block[0] == "h":
            block[1] = normalize_punctuation(block[1])
    article.title = normalize_punctuation(article.title)
    article.subtitle = normalize_punctuation(article.subtitle)

    for index, (kind, credit, line) in enumerate(mended):
        if kind != "c":
            continue
        caption = ""
        # The caption sentence is usually just above the credit line, sometimes just below.
        nearby = [*reversed(mended[:index]), *mended[index + 1 :]]
        for block in nearby:
            if block[0] == "p" and (found := CAPTION_RE.search(block[1])):
                caption = found.group(1).strip()
                block[1] = (block[1][: found.start()] + block[1][found.end() :]).strip()
                break
        article.photos.append(ParsedPhoto(caption=caption, credit=credit, line=line))
        if not article.byline:
            article.byline = f"{credit} 摄"  # a photo story's author is its photographer

    article.blocks = [tuple(b) for b in mended if b[0] != "c" and b[1]]
    if not article.paragraphs and not article.photos:
        raise PageImportError(f"稿件《{article.title}》没有正文。", line=article.line)
    return article


def _page_number(text):
    if text.isdigit():
        return int(text)
    digits = [CHINESE_DIGITS[c] for c in text]
    if 10 not in digits:
        return digits[0] if len(digits) == 1 else None
    # 十 = 10, 十二 = 12, 二十 = 20, 二十一 = 21
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)


def _read_folio(text, line):
    """The page header in ``text`` (the paragraphs above the first headline), or None when
    it names no page (第N版): then it is not a folio."""
    folio = unicodedata.normalize("NFKC", text)
    page = FOLIO_PAGE_RE.search(folio)
    if page is None:
        return None
    number = _page_number(page.group(1))
    if not number:
        raise PageImportError(f"版头的版次“{page.group(0)}”无法识别。", line=line)
    date = None
    if found := FOLIO_DATE_RE.search(folio):
        try:
            date = datetime.date(*(int(part) for part in found.groups()))
        except ValueError:
            raise PageImportError(f"版头的日期“{found.group(0)}”不存在。", line=line) from None
        if weekday := FOLIO_WEEKDAY_RE.search(folio):
            printed = "一二三四五六日".index(weekday.group(1).replace("天", "日"))
            if printed != date.weekday():
                actual = "一二三四五六日"[date.weekday()]
                raise PageImportError(
                    f"版头的日期“{found.group(0)}”是星期{actual}，版头却写星期{weekday.group(1)}，"
                    "请核对原稿。",
                    line=line,
                )
    name = ""
    labelled = FOLIO_LABELLED_NAME_RE.search(folio)
    after = FOLIO_NAME_RE.match(folio[page.end() :])
    if labelled:
        name = labelled.group(1)
    elif after:
        # 第1版要闻责任编辑：…, printed without a space: the name ends where the credits begin.
        name = re.split("|".join(NOT_A_PAGE_NAME), after.group(1))[0]
        name = name if len(name) >= 2 else ""
    return PageHeader(date=date, number=number, name=name.replace("・", "·"), line=line)


def page_name_from_filename(file_name):
    """The page's name, when its file name gives one after the page's number
    (20220617_01_要闻.txt, 第1版要闻.txt); else ""."""
    stem = file_name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    found = FILE_NAME_RE.search(stem)
    return found.group(1) if found else ""


def parse_page(text):
    """The stories of a page document, mended and normalised. Touches no database."""
    return parse_document(text)[1]


def parse_document(text):
    """``(header, stories)`` of a page document: its folio (a PageHeader, or None when it
    has none) and its stories, mended and normalised. Touches no database."""
    items = _lines(text)
    first_heading = next((i for i, item in enumerate(items) if item[0] == "h"), len(items))
    header = None
    if first_heading:
        _, _, _, line = items[0]
        header = _read_folio(" ".join(content for _, _, content, _ in items[:first_heading]), line)
        if header is None:
            raise PageImportError("正文或小标题之前没有稿件标题（# 或 ## 开头的行）。", line=line)
    return header, _stories(items[first_heading:])


def _stories(items):
    articles = []
    current = None
    previous_kind = None
    for kind, level, content, line in items:
        if kind == "h" and level <= 2:
            if (
                level == 2
                and current is not None
                and previous_kind == ("h", 1)
                and not current.subtitle
            ):
                current.subtitle = content
            else:
                current = ParsedArticle(title=content, line=line)
                articles.append(current)
        elif current is None:
            raise PageImportError("正文或小标题之前没有稿件标题（# 或 ## 开头的行）。", line=line)
        elif kind == "h":
            if previous_kind == ("h", 3) and current.blocks and current.blocks[-1][0] == "h":
                _, heading, heading_line = current.blocks[-1]
                current.blocks[-1] = ("h", f"{heading} {content}", heading_line)
            else:
                current.blocks.append(("h", content, line))
        else:
            current.blocks.append(("p", content, line))
        previous_kind = (kind, min(level, 3)) if kind == "h" else (kind, 0)
    if not articles:
        raise PageImportError("文件中没有任何稿件标题（# 或 ## 开头的行）。", line=1)
    return [_finish(article) for article in articles]
