"""Context cues checked in character windows (no tokenizer needed).

Presidio's token-based context does nothing on a blank ``zh`` pipeline and is
quadratic on long texts, so cues are regexes over the column header and a few
characters before the match, as Purview and Cloud DLP hotwords do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WINDOW = 24

ID_CUE = re.compile(r"身份证|证件号|公民身份|身份号码|身份证明")
ACCOUNT_CUE = re.compile(r"账号|帐号|卡号|账户|帐户|银行卡|一卡通|社保卡|存折|折号|收款账|开户行")
NEGATIVE_CUE = re.compile(
    r"订单|发票|单号|编号|流水|文号|合同|信用代码|索引号|批次|凭证|登记号|许可证|税号|纳税人识别号|条码|"
    r"快递|运单|序列号|区划代码|代码|邮编|邮政编码"
)
OFFICIAL_PHONE_CUE = (
    "监督电话",
    "咨询电话",
    "举报电话",
    "投诉电话",
    "服务电话",
    "办公电话",
    "值班电话",
    "热线",
    "受理电话",
    "监督举报",
)
CONTACT_CUE = re.compile(r"联系电话|联系方式|电话")
RESIDENT_CUE = re.compile(r"住址|居住|家住|现住|住|户主|姓名|本人")
OFFICE_CUE = re.compile(
    r"办公室|民政办|社保所|财政所|服务中心|委员会|村委会|居委会|政府|街道|社区|局|站|所|公司|医院|学校|办|镇|乡"
)


@dataclass(slots=True)
class ContextRules:
    """Cue lists; official-contact words may be extended from config."""

    official_phone: tuple[str, ...] = OFFICIAL_PHONE_CUE
    extra_official: tuple[str, ...] = field(default_factory=tuple)
    _official: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One alternation instead of a substring test per word: it runs for every mobile number.
        words = sorted(self.official_phone + self.extra_official, key=len, reverse=True)
        self._official = re.compile("|".join(map(re.escape, words)) or "(?!)")

    def official_phone_context(self, header: str | None, before: str, in_table: bool) -> bool:
        """A phone labelled as an office's public contact is not personal data."""
        if header is not None and self._official.search(header):
            return True
        if self._official.search(before):
            return True
        if header is not None and CONTACT_CUE.search(header):
            return False  # a 联系电话 column beside residents' names is personal
        cues = list(CONTACT_CUE.finditer(before))
        if not cues or RESIDENT_CUE.search(before):
            return False  # 住/住址/户主 … before the phone: a resident's contact, not an office's
        office_window_start = max(0, cues[-1].start() - 10)
        return OFFICE_CUE.search(before, office_window_start, cues[-1].start()) is not None


def window_before(text: str, start: int, size: int = WINDOW) -> str:
    """The text before ``start`` on the same line, at most ``size`` characters."""
    line_start = text.rfind("\n", max(0, start - size), start) + 1
    return text[max(line_start, start - size) : start]
