//! Names of issuing bodies (制定机关/发文机关) read from event text, titles, Taiwan's
//! `法規類別` and compiler lines, normalised: sessions and meeting numbers dropped
//! (`第十三届全国人民代表大会常务委员会第三十次会议` → `全国人民代表大会常务委员会`), court and
//! procuratorate committees folded into their institution (`最高人民法院审判委员会` →
//! `最高人民法院`), the `中华人民共和国` prefix dropped, common abbreviations spelled out
//! (`人大常委会`, `中央军委`), joint bodies split at `、` or white space.
//!
//! A name is accepted only when it ends like a body (院, 部, 局, 委员会, 政府, 办公厅, …) and
//! holds nothing but Han characters and a few marks: text that is not clearly a body gives
//! no issuer rather than a wrong one.

/// Endings of body names (both scripts).
const ORGAN_ENDS: [&str; 22] = [
    "会", "會", "院", "部", "局", "署", "厅", "廳", "委", "行", "府", "室", "处", "處", "中央",
    "中心", "会议", "會議", "办", "辦", "团", "團",
];

/// Words that end the name part of an event text: the verb or instrument that follows it.
const CUT_AT: [&str; 22] = [
    "以", "通过", "通過", "批准", "公布", "公佈", "发布", "發布", "颁布", "頒布", "印发", "印發",
    "公告", "审议", "審議", "修订", "修訂", "修正", "修改", "施行", "根据", "决定",
];

const HAN_NUMERALS: &str = "一二三四五六七八九十百千零〇○0123456789０１２３４５６７８９";

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Whether `s` reads as one body's name.
pub fn is_organ(s: &str) -> bool {
    let n = s.chars().count();
    (2..=30).contains(&n)
        && !s.starts_with('第')
        && s.chars()
            .all(|c| is_han(c) || matches!(c, '“' | '”' | '（' | '）' | '(' | ')' | '·'))
        && ORGAN_ENDS.iter().any(|e| s.ends_with(e))
}

/// Whether a piece of event text is only the name(s) of bodies (`交通部`, `国务院、中央军委`).
pub fn is_organ_text(s: &str) -> bool {
    normalize(s, None).is_some_and(|v| !v.is_empty())
}

/// Removes `第…届` and `第…次…会议` (also without `第`: `十二届`).
pub fn drop_sessions(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i + usize::from(chars[i] == '第');
        let mut j = start;
        while j < chars.len() && HAN_NUMERALS.contains(chars[j]) {
            j += 1;
        }
        if j > start && j < chars.len() {
            if chars[j] == '届' || chars[j] == '屆' {
                i = j + 1;
                continue;
            }
            if chars[j] == '次' {
                let rest: String = chars[j + 1..chars.len().min(j + 8)].iter().collect();
                for end in ["会议", "會議"] {
                    if let Some(p) = rest.find(end) {
                        i = j + 1 + rest[..p].chars().count() + 2;
                        break;
                    }
                }
                if i > start {
                    continue;
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Removes year-only fragments (`2022年` of `…总局2022年第4次局务会议`).
fn drop_years(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 4 && chars.get(i + digits) == Some(&'年') {
            i += digits + 1;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Cuts `s` at the first verb or instrument word (`令` only before a number: `…令第306号`).
fn cut_at_verb(s: &str) -> &str {
    let mut end = s.len();
    for w in CUT_AT {
        if let Some(p) = s.find(w) {
            end = end.min(p);
        }
    }
    for (p, _) in s.match_indices('令') {
        let after = &s[p + '令'.len_utf8()..];
        let next = after.chars().next();
        if next.is_none_or(|c| c == '第' || c == '（' || c == '(' || c.is_ascii_digit()) {
            end = end.min(p);
        }
    }
    &s[..end]
}

/// The bodies named in `raw` (event text after its date, a title's part before 关于, a line
/// above a date), normalised; `None` when some part is not a body's name. `place` fills a
/// bare `省`/`市` (`市十二届人大常委会`) with the place the title names.
pub fn normalize(raw: &str, place: Option<&str>) -> Option<Vec<String>> {
    let mut s = raw.trim();
    for lead in ["已由", "已经", "经", "由", "于"] {
        s = s.strip_prefix(lead).unwrap_or(s);
    }
    let s = drop_years(&drop_sessions(cut_at_verb(s)));
    let s = s
        .replace("审判委员会", "")
        .replace("審判委員會", "")
        .replace("检察委员会", "")
        .replace("檢察委員會", "")
        .replace("主席团", "")
        .replace("人大常委会", "人民代表大会常务委员会")
        .replace("中央军委", "中央军事委员会");
    let s = s.trim_end_matches('的');
    let mut out = Vec::new();
    for part in s.split(|c: char| c == '、' || c.is_whitespace()) {
        let part = part.trim_matches(|c: char| c == '，' || c == ',');
        if part.is_empty() {
            continue;
        }
        let mut name = part
            .strip_prefix("中华人民共和国")
            .filter(|r| !r.is_empty())
            .unwrap_or(part)
            .to_string();
        if name.ends_with("人大") {
            name = format!("{}人民代表大会", name.trim_end_matches("人大"));
        }
        if name.starts_with(['省', '市']) && name[3..].starts_with("人民") {
            name = format!("{}{}", place?, &name[3..]);
        }
        if !is_organ(&name) {
            return None;
        }
        out.push(name);
    }
    (!out.is_empty()).then_some(out)
}

/// The bodies of a line that names several of one place glued together, as a PDF's
/// issuers' block reads (`唐山市自然资源和规划局唐山市住房和城乡建设局`): cut before each repeat of
/// the line's place (its text up to the first 省, 市 or 县 in its first six characters) that
/// follows the end of a body's name. A line without a repeated place is itself.
pub fn split_glued(line: &str) -> Vec<&str> {
    let head: String = line.chars().take(6).collect();
    let Some(end) = head.find(['省', '市', '县']) else {
        return vec![line];
    };
    let place = &line[..end + '市'.len_utf8()];
    let mut out = Vec::new();
    let mut from = 0;
    for (at, _) in line.match_indices(place).filter(|&(at, _)| at > 0) {
        let before = &line[from..at];
        if is_organ(before) {
            out.push(before);
            from = at;
        }
    }
    out.push(&line[from..]);
    if out.iter().all(|p| is_organ(p)) {
        out
    } else {
        vec![line]
    }
}

/// The bodies a title names before `关于`/`關於` (`最高人民法院、最高人民检察院关于…`).
pub fn from_title(title: &str) -> Option<Vec<String>> {
    let p = title.find("关于").or_else(|| title.find("關於"))?;
    if p == 0 {
        return None;
    }
    normalize(&title[..p], None)
}

/// The body whose budget or final accounts a title names as the one in charge: Taiwan's
/// budget books are titled `監察院主管`, `內政部主管 114年度單位預算`.
pub fn in_charge(title: &str) -> Option<Vec<String>> {
    let (head, tail) = title.split_once("主管")?;
    let accounts = ["预算", "預算", "决算", "決算"];
    if !(tail.trim().is_empty() || accounts.iter().any(|a| tail.contains(a))) {
        return None;
    }
    let head = head.trim();
    is_organ(head).then(|| vec![head.to_string()])
}

/// The body Taiwan's `法規類別` value names: `行政 ＞ 內政部 ＞ 戶政目` → 內政部, `司法 ＞ 院本部
/// ＞ …` → 司法院, `廢止法規 ＞ 交通部` → 交通部, `立法` → 立法院; none for `憲法` or `其他`.
pub fn from_tw_category(value: &str) -> Option<String> {
    let parts: Vec<&str> = value
        .split(['＞', '>'])
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    let branch = |b: &str| -> Option<String> {
        let b = b.split(['（', '(']).next().unwrap_or(b).trim();
        match b {
            "行政" | "立法" | "司法" | "考試" | "監察" => Some(format!("{b}院")),
            "總統" => Some("總統府".to_string()),
            "國民大會" => Some(b.to_string()),
            _ => None,
        }
    };
    match parts.as_slice() {
        [] => None,
        [one] => branch(one),
        [first, second, ..] => {
            if *second == "院本部" {
                branch(first)
            } else {
                Some(second.to_string())
            }
        }
    }
}

/// The body of a compiler's line at the end of a text: `（中國經濟體制改革研究會南儲鑫、倪君等
/// 整理）` → 中國經濟體制改革研究會 (the longest beginning that is a body's name).
pub fn from_compiler_line(line: &str) -> Option<String> {
    let t = line.trim_matches(|c: char| matches!(c, '（' | '）' | '(' | ')') || c.is_whitespace());
    let body = ["整理", "供稿", "撰稿", "执笔", "執筆", "编辑", "編輯"]
        .iter()
        .find_map(|w| t.strip_suffix(w))?;
    let ends: Vec<usize> = body.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    ends.into_iter()
        .rev()
        .map(|e| &body[..e])
        .find(|p| is_organ(p) && p.chars().count() >= 4)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<Vec<String>> {
        normalize(s, None)
    }

    fn v(items: &[&str]) -> Option<Vec<String>> {
        Some(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn sessions_and_meetings_are_dropped() {
        assert_eq!(
            n("第十三届全国人民代表大会常务委员会第三十次会议通过"),
            v(&["全国人民代表大会常务委员会"])
        );
        assert_eq!(
            n("浙江省第十三届人民代表大会常务委员会第二十二次会议批准"),
            v(&["浙江省人民代表大会常务委员会"])
        );
        assert_eq!(
            n("滨州市第十一届人民代表大会常务委员会第3次会议通过"),
            v(&["滨州市人民代表大会常务委员会"])
        );
        assert_eq!(n("国务院第33次常务会议通过"), v(&["国务院"]));
        assert_eq!(
            n("最高人民法院审判委员会第1918次会议通过"),
            v(&["最高人民法院"])
        );
        assert_eq!(
            n("最高人民检察院第十二届检察委员会第三十三次会议通过"),
            v(&["最高人民检察院"])
        );
        assert_eq!(
            n("第七届全国人民代表大会第一次会议主席团公告第八号公布施行"),
            v(&["全国人民代表大会"])
        );
        assert_eq!(
            normalize("市十二届人大常委会第6次会议通过", Some("杭州市")),
            v(&["杭州市人民代表大会常务委员会"])
        );
        assert_eq!(
            n("经国家市场监督管理总局2022年第4次局务会议通过，现予公布，自"),
            v(&["国家市场监督管理总局"])
        );
        assert_eq!(
            n("由最高人民法院审判委员会第1823次会议通过，现予公布，自"),
            v(&["最高人民法院"])
        );
    }

    #[test]
    fn glued_bodies_of_one_place_are_cut_apart() {
        assert_eq!(
            split_glued("唐山市自然资源和规划局唐山市住房和城乡建设局唐山市行政审批局"),
            [
                "唐山市自然资源和规划局",
                "唐山市住房和城乡建设局",
                "唐山市行政审批局"
            ]
        );
        assert_eq!(split_glued("唐山市行政审批局"), ["唐山市行政审批局"]);
        // A place named again inside one body's name is no cut.
        assert_eq!(
            split_glued("上海市人民政府上海市"),
            ["上海市人民政府上海市"]
        );
        assert_eq!(split_glued("国务院办公厅"), ["国务院办公厅"]);
    }

    #[test]
    fn orders_joint_bodies_and_prefixes() {
        assert_eq!(n("中华人民共和国国务院令第712号公布"), v(&["国务院"]));
        assert_eq!(
            n("中华人民共和国国务院、中华人民共和国中央军事委员会令第759号第二次修订"),
            v(&["国务院", "中央军事委员会"])
        );
        assert_eq!(n("国务院、中央军委发布"), v(&["国务院", "中央军事委员会"]));
        assert_eq!(
            n("最高人民法院以法发〔1993〕15号通知印发"),
            v(&["最高人民法院"])
        );
        assert_eq!(n("公安部令第16号发布"), v(&["公安部"]));
        assert_eq!(n("《国务院关于修改部分行政法规的决定》修订"), None);
        assert_eq!(n("消费者权益保护典型案例"), None);
    }

    #[test]
    fn titles_categories_and_compilers() {
        assert_eq!(
            from_title("最高人民法院、最高人民检察院关于办理…的解释"),
            v(&["最高人民法院", "最高人民检察院"])
        );
        assert_eq!(
            from_title("国务院办公厅关于印发…的通知"),
            v(&["国务院办公厅"])
        );
        assert_eq!(from_title("关于职工全年月平均工作时间…的通知"), None);
        assert_eq!(in_charge("監察院主管"), v(&["監察院"]));
        assert_eq!(in_charge("內政部主管 114年度單位預算"), v(&["內政部"]));
        assert_eq!(in_charge("主管机关的职责"), None);
        assert_eq!(in_charge("税务局主管的税种"), None);
        assert_eq!(
            from_tw_category("行政 ＞ 內政部 ＞ 戶政目").as_deref(),
            Some("內政部")
        );
        assert_eq!(
            from_tw_category("司法 ＞ 院本部 ＞ 釋憲目").as_deref(),
            Some("司法院")
        );
        assert_eq!(
            from_tw_category("廢止法規 ＞ 交通部").as_deref(),
            Some("交通部")
        );
        assert_eq!(from_tw_category("立法").as_deref(), Some("立法院"));
        assert_eq!(
            from_tw_category("國民大會（憲法國民大會章條文已停止適用）").as_deref(),
            Some("國民大會")
        );
        assert_eq!(from_tw_category("憲法"), None);
        assert_eq!(
            from_compiler_line("(中國經濟體制改革研究會南儲鑫、倪君等整理)").as_deref(),
            Some("中國經濟體制改革研究會")
        );
        assert_eq!(from_compiler_line("本法自公布之日起施行。"), None);
    }
}
