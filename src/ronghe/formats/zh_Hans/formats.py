"""Chinese formats with ISO 8601 first for input: a date field is prefilled as 2026-12-02, the one value an
`<input type="date">` accepts (Django's zh_Hans puts 2026/12/02 first, which the browser shows as empty).
Only the input formats are set here: Django falls back to its own zh_Hans module for every other format
(dates still display as 2026年12月2日), and the other input formats are still accepted."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05', first: what a form prefills and <input type="date"> takes
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%m月%d日",  # '2016年9月5日'
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",  # '2016-09-05 20:45'
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S.%f",
]
