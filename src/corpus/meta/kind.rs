//! The fixed vocabulary of document kinds ([`Kind`]) and the rules that pick one.
//!
//! The vocabulary follows the PRC Legislation Law's ranks and the national laws database
//! (宪法, 法律, 行政法规, 监察法规, 司法解释, 地方性法规, 自治条例, 单行条例, 部门规章, 地方政府规章),
//! then the documents staff also search: 规范性文件 (notices and opinions with a 文号),
//! 政府工作报告, 纪要, 综述, 案例, 标准, 预算, 政策解读. Taiwan texts are sorted by the
//! Central Regulation Standard Act (中央法規標準法): art. 2 names 法律 法/律/條例/通則 — they are
//! statutes passed by the Legislative Yuan, so they share the mainland's 法律 — and art. 3 names
//! the orders of agencies 規程/規則/細則/辦法/綱要/標準/準則; those, with staffing tables
//! (編制表), are 命令, a kind of their own because no mainland rank (行政法规 of the State
//! Council, 部门规章 of a ministry) matches an order of any Taiwan agency. The constitution and
//! its additional articles are 宪法. Names are Simplified; filters compare after N(), so
//! `kind:憲法` finds 宪法.
//!
//! Evidence, strongest first (each returns with its [`super::Source`]): a kind named by a
//! metadata line (`效力级别：行政法规`); for Taiwan texts the name's ending; the source's own
//! classification in a folder name (`行政法规/`, `司法解释/`, `地方性法规/`, the NPC's law
//! categories such as `宪法相关法/`); the adopting body or the 文号 (`全国人民代表大会…通过` →
//! 法律, `国务院令` → 行政法规, `法释〔…〕` → 司法解释, a city's people's congress → 地方性法规,
//! `…部令` → 部门规章, `…人民政府令` → 地方政府规章, `国发〔…〕` → 规范性文件); finally words of the
//! title or file name (政府工作报告, 纪要, 综述, `…诉…案`, `…标准`, 预算, 解读), and the bodies a
//! title names with its document type (`国务院关于…的通知` → 规范性文件). A 地方性法规
//! adopted by an autonomous prefecture's or county's people's congress is a 自治条例 (named so)
//! or 单行条例.

use serde::{Deserialize, Serialize};

/// A document kind (see the module docs for the vocabulary and its rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    /// The constitution, its amendments; Taiwan's constitution and additional articles.
    #[serde(rename = "宪法")]
    Constitution,
    /// Laws of the NPC and its Standing Committee (with their decisions on legal questions);
    /// Taiwan statutes (法/律/條例/通則).
    #[serde(rename = "法律")]
    Law,
    /// Administrative regulations of the State Council.
    #[serde(rename = "行政法规")]
    AdministrativeRegulation,
    /// Supervision regulations of the National Supervisory Commission.
    #[serde(rename = "监察法规")]
    SupervisionRegulation,
    /// Judicial interpretations of the Supreme People's Court and Procuratorate.
    #[serde(rename = "司法解释")]
    JudicialInterpretation,
    /// Local regulations of provincial and city people's congresses.
    #[serde(rename = "地方性法规")]
    LocalRegulation,
    /// Autonomy regulations of ethnic autonomous areas.
    #[serde(rename = "自治条例")]
    AutonomyRegulation,
    /// Separate regulations of ethnic autonomous areas.
    #[serde(rename = "单行条例")]
    SeparateRegulation,
    /// Rules of State Council departments (…部令, …总局令).
    #[serde(rename = "部门规章")]
    DepartmentRule,
    /// Rules of provincial and city governments (…人民政府令).
    #[serde(rename = "地方政府规章")]
    LocalGovernmentRule,
    /// Other official documents with a 文号 (通知, 意见, 决定, 批复 …).
    #[serde(rename = "规范性文件")]
    NormativeDocument,
    /// Taiwan orders of agencies (規程, 規則, 細則, 辦法, 綱要, 標準, 準則, 編制表).
    #[serde(rename = "命令")]
    Order,
    /// Government work reports.
    #[serde(rename = "政府工作报告")]
    WorkReport,
    /// Minutes and meeting summaries (纪要).
    #[serde(rename = "纪要")]
    Minutes,
    /// Summaries of views (综述), e.g. of a symposium.
    #[serde(rename = "综述")]
    Summary,
    /// Court cases (典型案例, 指导案例).
    #[serde(rename = "案例")]
    Case,
    /// Technical and evaluation standards.
    #[serde(rename = "标准")]
    Standard,
    /// Budgets and final accounts.
    #[serde(rename = "预算")]
    Budget,
    /// Policy explanations (解读).
    #[serde(rename = "政策解读")]
    Interpretation,
}

/// Every kind, in vocabulary order.
pub const ALL: [Kind; 19] = [
    Kind::Constitution,
    Kind::Law,
    Kind::AdministrativeRegulation,
    Kind::SupervisionRegulation,
    Kind::JudicialInterpretation,
    Kind::LocalRegulation,
    Kind::AutonomyRegulation,
    Kind::SeparateRegulation,
    Kind::DepartmentRule,
    Kind::LocalGovernmentRule,
    Kind::NormativeDocument,
    Kind::Order,
    Kind::WorkReport,
    Kind::Minutes,
    Kind::Summary,
    Kind::Case,
    Kind::Standard,
    Kind::Budget,
    Kind::Interpretation,
];

impl Kind {
    /// The vocabulary name (`法律`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Constitution => "宪法",
            Kind::Law => "法律",
            Kind::AdministrativeRegulation => "行政法规",
            Kind::SupervisionRegulation => "监察法规",
            Kind::JudicialInterpretation => "司法解释",
            Kind::LocalRegulation => "地方性法规",
            Kind::AutonomyRegulation => "自治条例",
            Kind::SeparateRegulation => "单行条例",
            Kind::DepartmentRule => "部门规章",
            Kind::LocalGovernmentRule => "地方政府规章",
            Kind::NormativeDocument => "规范性文件",
            Kind::Order => "命令",
            Kind::WorkReport => "政府工作报告",
            Kind::Minutes => "纪要",
            Kind::Summary => "综述",
            Kind::Case => "案例",
            Kind::Standard => "标准",
            Kind::Budget => "预算",
            Kind::Interpretation => "政策解读",
        }
    }

    /// The kind a vocabulary name (either script) or a known synonym names.
    pub fn from_name(s: &str) -> Option<Kind> {
        let s = s.trim();
        if let Some(k) = ALL.iter().find(|k| k.name() == s) {
            return Some(*k);
        }
        Some(match s {
            "憲法" => Kind::Constitution,
            "行政法規" => Kind::AdministrativeRegulation,
            "監察法規" => Kind::SupervisionRegulation,
            "司法解釋" => Kind::JudicialInterpretation,
            "地方性法規" => Kind::LocalRegulation,
            "自治條例" => Kind::AutonomyRegulation,
            "單行條例" => Kind::SeparateRegulation,
            "部門規章" => Kind::DepartmentRule,
            "地方政府規章" => Kind::LocalGovernmentRule,
            "规范性文件" | "規範性文件" | "部门规范性文件" | "地方规范性文件" | "党内法规" => {
                Kind::NormativeDocument
            }
            "政府工作報告" => Kind::WorkReport,
            "紀要" | "会议纪要" | "會議紀要" => Kind::Minutes,
            "綜述" => Kind::Summary,
            "典型案例" | "指导案例" | "指導案例" => Kind::Case,
            "標準" => Kind::Standard,
            "預算" | "决算" | "決算" => Kind::Budget,
            "政策解讀" | "解读" | "解讀" => Kind::Interpretation,
            "法律解释" | "有关法律问题和重大问题的决定" | "法律及有关问题的决定" => {
                Kind::Law
            }
            _ => return None,
        })
    }

    /// Whether documents of this kind are in force or not (laws, rules, standards); reports,
    /// summaries, cases, budgets and explanations have no status.
    pub fn is_normative(self) -> bool {
        !matches!(
            self,
            Kind::WorkReport
                | Kind::Minutes
                | Kind::Summary
                | Kind::Case
                | Kind::Budget
                | Kind::Interpretation
        )
    }

    /// Kinds only national bodies make (mainland).
    pub fn is_national(self) -> bool {
        matches!(
            self,
            Kind::Constitution
                | Kind::Law
                | Kind::AdministrativeRegulation
                | Kind::SupervisionRegulation
                | Kind::JudicialInterpretation
                | Kind::DepartmentRule
        )
    }
}

/// The NPC's categories of law (法律部门) as folder names: documents under them are laws.
const LAW_CATEGORIES: [&str; 8] = [
    "宪法相关法",
    "民法商法",
    "民法典",
    "行政法",
    "经济法",
    "社会法",
    "刑法",
    "诉讼与非诉讼程序法",
];

/// The kind a folder name states: a vocabulary name or synonym, or an NPC law category.
pub fn from_folder(name: &str) -> Option<Kind> {
    if LAW_CATEGORIES.contains(&name) {
        return Some(Kind::Law);
    }
    Kind::from_name(name)
}

/// A Taiwan text's kind by the ending of its name (中央法規標準法 art. 2-3).
pub fn from_tw_name(name: &str) -> Option<Kind> {
    let n = strip_trailing_notes(name);
    if n.contains("憲法")
        && (n.ends_with("憲法") || n.ends_with("增修條文") || n.ends_with("修正案"))
        || n.ends_with("臨時條款")
    {
        return Some(Kind::Constitution);
    }
    const ORDERS: [&str; 9] = [
        "規程",
        "規則",
        "細則",
        "辦法",
        "綱要",
        "標準",
        "準則",
        "編制表",
        "編組表",
    ];
    if ORDERS.iter().any(|e| n.ends_with(e)) {
        return Some(Kind::Order);
    }
    if ["條例", "通則", "律", "法"].iter().any(|e| n.ends_with(e)) {
        return Some(Kind::Law);
    }
    // `建築技術規則建築設計施工編`: a part of a 規則.
    if ORDERS.iter().any(|e| n.contains(e)) && n.ends_with('編') {
        return Some(Kind::Order);
    }
    if n.ends_with('令') {
        return Some(Kind::Order);
    }
    None
}

/// The name without trailing bracketed notes and `─`/`－` sub-titles.
fn strip_trailing_notes(name: &str) -> &str {
    let mut n = name.trim();
    loop {
        let before = n;
        if let Some(stripped) = n.strip_suffix(['）', ')']) {
            if let Some(p) = stripped.rfind(['（', '(']) {
                n = stripped[..p].trim_end();
            }
        }
        if before == n {
            break;
        }
    }
    for sep in ['─', '－', '—'] {
        if let Some(p) = n.find(sep) {
            n = &n[..p];
        }
    }
    n
}

/// The kind a promulgation instrument or 文号 implies: `国务院令` → 行政法规, `…部令`/`…局令`
/// → 部门规章, `…人民政府令`/`省政府令` → 地方政府规章, `法释〔…〕`/`高检发释字` → 司法解释, other
/// `…〔YYYY〕N号` → 规范性文件.
pub fn from_number(number: &str) -> Option<Kind> {
    if let Some(p) = number.find('令') {
        let org = &number[..p];
        if org.ends_with("国务院") || org.contains("国务院、") {
            return Some(Kind::AdministrativeRegulation);
        }
        if org.ends_with("政府") || org.ends_with("省政府") || org.ends_with("市政府") {
            return Some(Kind::LocalGovernmentRule);
        }
        if org.ends_with("主席") || org.ends_with("主席令") {
            return Some(Kind::Law);
        }
        if ["部", "局", "委员会", "总署", "署", "行"]
            .iter()
            .any(|e| org.ends_with(e))
        {
            return Some(Kind::DepartmentRule);
        }
        return None;
    }
    if number.contains('〔') {
        if number.starts_with("法释") || number.contains("发释字") {
            return Some(Kind::JudicialInterpretation);
        }
        return Some(Kind::NormativeDocument);
    }
    None
}

/// The kind words of a title or file name imply, when nothing stronger is known.
pub fn from_title_words(title: &str, stem: &str) -> Option<Kind> {
    let t = title.trim();
    for s in [t, stem] {
        if s.contains("政府工作报告") || s.contains("政府工作報告") {
            return Some(Kind::WorkReport);
        }
    }
    for s in [t, stem] {
        let s = strip_trailing_notes(s);
        if s.ends_with("纪要") || s.ends_with("紀要") {
            return Some(Kind::Minutes);
        }
        if s.ends_with("综述") || s.ends_with("綜述") {
            return Some(Kind::Summary);
        }
        if s.ends_with('案') && s.contains('诉') {
            return Some(Kind::Case);
        }
        if s.contains("解读") || s.contains("解讀") {
            return Some(Kind::Interpretation);
        }
        if s.ends_with("预算")
            || s.ends_with("預算")
            || s.ends_with("决算")
            || s.ends_with("預算案")
        {
            return Some(Kind::Budget);
        }
        if (s.ends_with("标准") || s.ends_with("標準")) && !s.ends_with("收费标准") {
            return Some(Kind::Standard);
        }
    }
    if (t.starts_with("最高人民法院") || t.starts_with("最高人民检察院"))
        && t.contains("关于")
        && ["解释", "规定", "批复", "决定", "规则"]
            .iter()
            .any(|e| t.ends_with(e))
    {
        return Some(Kind::JudicialInterpretation);
    }
    if t.starts_with("中华人民共和国") && t.ends_with('法') && !t.ends_with("办法") {
        return Some(Kind::Law);
    }
    None
}

/// The kind a title's issuing bodies and its document type imply (`全国人民代表大会常务委员会
/// 关于…的决定` → 法律; `国务院关于…的通知` → 规范性文件): the NPC and its Standing Committee
/// make laws, the supreme court and procuratorate interpretations, and any other body's
/// 通知, 意见, 决定, 批复, 函, 方案, 规划, 纲要 is a 规范性文件.
pub fn from_title_organs(organs: &[String], title: &str) -> Option<Kind> {
    if organs.iter().any(|o| o.starts_with("全国人民代表大会")) {
        return Some(Kind::Law);
    }
    if organs
        .iter()
        .any(|o| o.starts_with("最高人民法院") || o.starts_with("最高人民检察院"))
    {
        return Some(Kind::JudicialInterpretation);
    }
    const DOC_TYPES: [&str; 10] = [
        "通知", "意见", "决定", "批复", "函", "方案", "规划", "纲要", "通告", "公告",
    ];
    let t = title.trim_end_matches(['）', ')']);
    DOC_TYPES
        .iter()
        .any(|d| t.ends_with(d) || title.ends_with(d))
        .then_some(Kind::NormativeDocument)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_serialize_in_chinese() {
        for k in ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.name())
            );
        }
        assert_eq!(Kind::from_name("憲法"), Some(Kind::Constitution));
        assert_eq!(Kind::from_name("其他"), None);
    }

    #[test]
    fn folders() {
        assert_eq!(
            from_folder("行政法规"),
            Some(Kind::AdministrativeRegulation)
        );
        assert_eq!(from_folder("宪法相关法"), Some(Kind::Law));
        assert_eq!(from_folder("地方性法规"), Some(Kind::LocalRegulation));
        assert_eq!(from_folder("地方法规"), None, "mixes 地方性法规 and 规章");
        assert_eq!(from_folder("浙江"), None);
    }

    #[test]
    fn taiwan_names() {
        assert_eq!(from_tw_name("中華民國憲法"), Some(Kind::Constitution));
        assert_eq!(
            from_tw_name("中華民國憲法增修條文"),
            Some(Kind::Constitution)
        );
        assert_eq!(from_tw_name("行政訴訟法"), Some(Kind::Law));
        assert_eq!(from_tw_name("勘報災歉條例"), Some(Kind::Law));
        assert_eq!(from_tw_name("戰時軍律"), Some(Kind::Law));
        assert_eq!(from_tw_name("明火表演安全管理辦法"), Some(Kind::Order));
        assert_eq!(from_tw_name("菸酒管理法施行細則"), Some(Kind::Order));
        assert_eq!(from_tw_name("經濟部編制表"), Some(Kind::Order));
        assert_eq!(
            from_tw_name("行政院環境保護署毒物及化學物質局編制表（105.10.05 訂定）"),
            Some(Kind::Order)
        );
        assert_eq!(
            from_tw_name("建築技術規則建築設計施工編"),
            Some(Kind::Order)
        );
        assert_eq!(
            from_tw_name("藥品查驗登記審查準則－疫苗類藥品之查驗登記"),
            Some(Kind::Order)
        );
    }

    #[test]
    fn numbers_and_titles() {
        assert_eq!(
            from_number("中华人民共和国国务院令第306号"),
            Some(Kind::AdministrativeRegulation)
        );
        assert_eq!(
            from_number("国家市场监督管理总局令第54号"),
            Some(Kind::DepartmentRule)
        );
        assert_eq!(
            from_number("江西省人民政府令第241号"),
            Some(Kind::LocalGovernmentRule)
        );
        assert_eq!(
            from_number("法释〔2020〕26号"),
            Some(Kind::JudicialInterpretation)
        );
        assert_eq!(
            from_number("国发〔2024〕1号"),
            Some(Kind::NormativeDocument)
        );
        assert_eq!(
            from_title_words("1954年政府工作报告", "1954政府工作报告_周恩来"),
            Some(Kind::WorkReport)
        );
        assert_eq!(
            from_title_words("x", "制度創新與人工智能發展座談會觀點綜述"),
            Some(Kind::Summary)
        );
        assert_eq!(
            from_title_words("某公司诉某局行政协议案", ""),
            Some(Kind::Case)
        );
        assert_eq!(
            from_title_words("人体损伤程度鉴定标准", ""),
            Some(Kind::Standard)
        );
        assert_eq!(
            from_title_words("中华人民共和国劳动合同法", ""),
            Some(Kind::Law)
        );
        assert_eq!(
            from_title_words("浙江省实施《中华人民共和国档案法》办法", ""),
            None
        );
    }
}
