//! Regions: `全国` for national documents, else a province-level name in its short Simplified
//! form (`浙江`, `上海`, `内蒙古`, `台湾`, `香港`). A city's document takes its province, through
//! a table of the prefecture-level cities and autonomous prefectures (`杭州` → 浙江,
//! `延边` → 吉林).
//!
//! This module answers three questions: which province a name starts with
//! ([`place_prefix`]), whether a folder name is a province ([`province_of_folder`]), and
//! whether a body is a national one ([`is_national_organ`]); `mod.rs` applies them in order.

/// The value for national documents.
pub const NATIONAL: &str = "全国";

/// Province-level divisions: short name and the other spellings that start names.
const PROVINCES: [(&str, &[&str]); 34] = [
    ("北京", &["北京"]),
    ("天津", &["天津"]),
    ("上海", &["上海"]),
    ("重庆", &["重庆", "重慶"]),
    ("河北", &["河北"]),
    ("山西", &["山西"]),
    ("辽宁", &["辽宁", "遼寧"]),
    ("吉林", &["吉林"]),
    ("黑龙江", &["黑龙江", "黑龍江"]),
    ("江苏", &["江苏", "江蘇"]),
    ("浙江", &["浙江"]),
    ("安徽", &["安徽"]),
    ("福建", &["福建"]),
    ("江西", &["江西"]),
    ("山东", &["山东", "山東"]),
    ("河南", &["河南"]),
    ("湖北", &["湖北"]),
    ("湖南", &["湖南"]),
    ("广东", &["广东", "廣東"]),
    ("海南", &["海南"]),
    ("四川", &["四川"]),
    ("贵州", &["贵州", "貴州"]),
    ("云南", &["云南", "雲南"]),
    ("陕西", &["陕西", "陝西"]),
    ("甘肃", &["甘肃", "甘肅"]),
    ("青海", &["青海"]),
    ("台湾", &["台湾", "臺灣", "台灣"]),
    ("内蒙古", &["内蒙古", "內蒙古"]),
    ("广西", &["广西", "廣西"]),
    ("西藏", &["西藏"]),
    ("宁夏", &["宁夏", "寧夏"]),
    ("新疆", &["新疆"]),
    ("香港", &["香港"]),
    ("澳门", &["澳门", "澳門"]),
];

/// Prefecture-level cities and autonomous prefectures by province (short names).
const CITIES: &str = "河北:石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水|\
山西:太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁|\
内蒙古:呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善|\
辽宁:沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛|\
吉林:长春 四平 辽源 通化 白山 松原 白城 延边|\
黑龙江:哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭|\
江苏:南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁|\
浙江:杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水|\
安徽:合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城|\
福建:福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德|\
江西:南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶|\
山东:济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 莱芜|\
河南:郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源|\
湖北:武汉 黄石 十堰 宜昌 襄阳 襄樊 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门|\
湖南:长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西|\
广东:广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮|\
广西:南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左|\
海南:海口 三亚 三沙 儋州|\
四川:成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山|\
贵州:贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南|\
云南:昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆|\
西藏:拉萨 日喀则 昌都 林芝 山南 那曲 阿里|\
陕西:西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛|\
甘肃:兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南|\
青海:西宁 海东 海北 黄南 果洛 玉树 海西|\
宁夏:银川 石嘴山 吴忠 固原 中卫|\
新疆:乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 石河子|\
台湾:台北 臺北 新北 桃园 桃園 台中 臺中 台南 臺南 高雄 基隆 新竹 嘉义 嘉義";

/// What may follow a province's name at the start of a name (`浙江省`, `广西壮族自治区`).
const PROVINCE_TAILS: [&str; 10] = [
    "省",
    "市",
    "自治区",
    "壮族",
    "回族",
    "维吾尔",
    "特别行政区",
    "地区",
    "特別行政區",
    "自治區",
];

/// The province a name starts with (`浙江省…` → 浙江, `杭州市…` → 浙江, `延边朝鲜族自治州…`
/// → 吉林), and the city when it is a city's name.
pub fn place_prefix(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    // Most names start with a char no place starts with (中, 国, 关, 全…): one look at a
    // sorted table spares them the walk over every province and city.
    static FIRST: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let first = FIRST.get_or_init(|| {
        let provinces = PROVINCES.iter().flat_map(|(_, forms)| forms.iter());
        let cities = CITIES
            .split('|')
            .filter_map(|g| g.split_once(':'))
            .flat_map(|(_, cities)| cities.split(' '));
        let mut v: Vec<char> = (provinces.copied().chain(cities))
            .filter_map(|p| p.chars().next())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    });
    let c = name.chars().next()?;
    first.binary_search(&c).ok()?;
    for (short, forms) in PROVINCES {
        for f in forms {
            if let Some(rest) = name.strip_prefix(f) {
                if PROVINCE_TAILS.iter().any(|t| rest.starts_with(t)) {
                    return Some((short, None));
                }
            }
        }
    }
    for group in CITIES.split('|') {
        let (prov, cities) = group.split_once(':')?;
        for city in cities.split(' ') {
            if let Some(rest) = name.strip_prefix(city) {
                let head: String = rest.chars().take(12).collect();
                if rest.starts_with('市')
                    || rest.starts_with("地区")
                    || rest.starts_with('盟')
                    || head.contains("自治州")
                {
                    let prov = PROVINCES
                        .iter()
                        .find(|(s, _)| *s == prov)
                        .map(|(s, _)| *s)?;
                    return Some((prov, Some(city)));
                }
            }
        }
    }
    None
}

/// The province a folder is named after (`浙江`, `浙江省`, `廣東`).
pub fn province_of_folder(name: &str) -> Option<&'static str> {
    PROVINCES.iter().find_map(|(short, forms)| {
        forms
            .iter()
            .any(|f| {
                name == *f
                    || name
                        .strip_prefix(f)
                        .is_some_and(|r| PROVINCE_TAILS.contains(&r))
            })
            .then_some(*short)
    })
}

/// Whether a (normalised) body's name is a national one: the State Council and its
/// departments, the NPC, the supreme court and procuratorate, central Party and military
/// bodies, `国家…`/`中国…`/`全国…` bodies and ministries named without a place.
pub fn is_national_organ(name: &str) -> bool {
    if place_prefix(name).is_some() {
        return false;
    }
    const PREFIXES: [&str; 12] = [
        "国务院",
        "全国",
        "最高人民",
        "中央",
        "中共中央",
        "国家",
        "中国",
        "中國",
        "政务院",
        "中华人民共和国",
        "海关总署",
        "财政部",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
        || ["部", "总局", "总署"].iter().any(|e| name.ends_with(e))
}

/// Whether a body's name is one of Taiwan's central bodies (its five 院, 總統府, 國民大會,
/// in either script) or a body under one of them (`行政院主計總處`).
pub fn is_taiwan_organ(name: &str) -> bool {
    const BODIES: [&str; 14] = [
        "總統府",
        "总统府",
        "行政院",
        "立法院",
        "司法院",
        "考試院",
        "考试院",
        "監察院",
        "监察院",
        "國民大會",
        "国民大会",
        "考選部",
        "考选部",
        "銓敘部",
    ];
    BODIES.iter().any(|b| name.starts_with(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_and_cities() {
        assert_eq!(
            place_prefix("浙江省人民代表大会常务委员会"),
            Some(("浙江", None))
        );
        assert_eq!(place_prefix("上海市供水管理条例"), Some(("上海", None)));
        assert_eq!(
            place_prefix("杭州市禁止销售燃放烟花爆竹管理规定"),
            Some(("浙江", Some("杭州")))
        );
        assert_eq!(
            place_prefix("潮州市畲族文化保护条例"),
            Some(("广东", Some("潮州")))
        );
        assert_eq!(
            place_prefix("延边朝鲜族自治州条例"),
            Some(("吉林", Some("延边")))
        );
        assert_eq!(place_prefix("广西壮族自治区人民政府"), Some(("广西", None)));
        assert_eq!(place_prefix("吉林省"), Some(("吉林", None)));
        assert_eq!(place_prefix("中华人民共和国海关法"), None);
        assert_eq!(
            place_prefix("大连海事法院"),
            None,
            "a city name must be followed by 市"
        );
    }

    #[test]
    fn folders_and_national_bodies() {
        assert_eq!(province_of_folder("浙江"), Some("浙江"));
        assert_eq!(province_of_folder("广东省"), Some("广东"));
        assert_eq!(province_of_folder("地方性法规"), None);
        assert!(is_national_organ("国务院"));
        assert!(is_national_organ("全国人民代表大会常务委员会"));
        assert!(is_national_organ("公安部"));
        assert!(is_national_organ("国家市场监督管理总局"));
        assert!(is_national_organ("中國經濟體制改革研究會"));
        assert!(!is_national_organ("浙江省人民代表大会常务委员会"));
        assert!(!is_national_organ("青岛市人民代表大会常务委员会"));
        assert!(is_taiwan_organ("監察院"));
        assert!(is_taiwan_organ("行政院主計總處"));
        assert!(!is_taiwan_organ("国务院"));
        assert_eq!(place_prefix("臺北市政府"), Some(("台湾", Some("臺北"))));
        assert_eq!(place_prefix("台州市人民政府"), Some(("浙江", Some("台州"))));
    }

    #[test]
    fn every_city_group_names_a_province() {
        for group in CITIES.split('|') {
            let (prov, _) = group.split_once(':').unwrap();
            assert!(PROVINCES.iter().any(|(s, _)| *s == prov), "{prov}");
        }
    }
}
