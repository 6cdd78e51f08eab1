#include "services/demo/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "base/date.h"

namespace zhida::services::demo {

using portrait::Catalog;
using portrait::FactCell;
using rules::Type;

namespace {

constexpr int kYears = kLastYear - kFirstYear + 1;
constexpr int64_t kNA = std::numeric_limits<int64_t>::min();
constexpr int32_t kNoDate = std::numeric_limits<int32_t>::min();
constexpr int64_t kWan = 10000;
constexpr int64_t kYi = 100000000;

int32_t day(int y, int m, int d) {
  return days_from_civil(CivilDate{y, m, d});
}

// ------------------------------------------------------------------ random

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256**, seeded per (seed, stream) through splitmix64.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL ^ (stream + 0x632be59bd9b4e019ULL);
    for (auto& w : s_) w = splitmix64(x);
  }
  uint64_t next() {
    uint64_t r = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return r;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Integer in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(uniform() * static_cast<double>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = uniform(), v = uniform();
    while (u <= 1e-300) u = uniform();
    double r = std::sqrt(-2.0 * std::log(u));
    spare_ = r * std::sin(2 * M_PI * v);
    has_spare_ = true;
    return r * std::cos(2 * M_PI * v);
  }
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[static_cast<size_t>(range(0, N - 1))];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
  double spare_ = 0;
  bool has_spare_ = false;
};

// Picks an index with probability proportional to its weight.
template <size_t N>
size_t pick_weighted(Rng& rng, const std::array<double, N>& w) {
  double total = 0;
  for (double x : w) total += x;
  double u = rng.uniform() * total;
  for (size_t i = 0; i < N; ++i) {
    if (u < w[i]) return i;
    u -= w[i];
  }
  return N - 1;
}

// ------------------------------------------------------------------ tables

constexpr std::array<Street, 10> kStreets = {{
    {"新安", "440306017", 113.892, 22.566, 0.010},
    {"西乡", "440306018", 113.874, 22.590, 0.012},
    {"航城", "440306019", 113.845, 22.615, 0.010},
    {"福永", "440306020", 113.818, 22.662, 0.011},
    {"福海", "440306021", 113.800, 22.690, 0.009},
    {"沙井", "440306022", 113.822, 22.733, 0.011},
    {"新桥", "440306023", 113.850, 22.722, 0.009},
    {"松岗", "440306024", 113.855, 22.770, 0.011},
    {"燕罗", "440306025", 113.880, 22.782, 0.009},
    {"石岩", "440306026", 113.928, 22.682, 0.014},
}};

// Street weights by kind of industry (order of kStreets).
constexpr std::array<double, 10> kStreetManufacturing = {3, 7, 7, 10, 11, 17, 11, 13, 9, 12};
constexpr std::array<double, 10> kStreetLogistics = {5, 10, 20, 35, 10, 6, 4, 4, 2, 4};
constexpr std::array<double, 10> kStreetServices = {24, 26, 10, 9, 5, 8, 5, 5, 3, 5};
constexpr std::array<double, 10> kStreetOther = {10, 14, 9, 9, 9, 12, 9, 10, 8, 10};

const std::array<std::vector<std::string_view>, 10> kCommunities = {{
    {"上合", "海旺", "翻身", "布心", "安乐", "大浪", "灵芝", "文雅"},
    {"西乡", "固戍", "臣田", "铁岗", "河西", "盐田", "共乐", "劳动"},
    {"黄田", "钟屋", "九围", "后瑞", "三围", "草围", "鹤洲"},
    {"福永", "凤凰", "白石厦", "怀德", "塘尾", "新田", "福围"},
    {"新和", "桥头", "和平", "稔田", "展城"},
    {"沙一", "沙头", "后亭", "衙边", "步涌", "马安山", "东塘"},
    {"新桥", "上星", "上寮", "黄埔", "新二", "万丰", "沙企"},
    {"松岗", "潭头", "红星", "东方", "楼岗", "碧头", "沙浦"},
    {"燕川", "罗田", "塘下涌", "山门", "广田"},
    {"石龙", "塘头", "浪心", "官田", "上屋", "应人石", "龙腾", "水田"},
}};
const std::array<std::vector<std::string_view>, 10> kRoads = {{
    {"宝安大道", "新湖路", "建安一路", "创业一路", "宝民一路", "前进一路"},
    {"宝源路", "前进二路", "西乡大道", "固戍一路", "宝安大道", "银田路"},
    {"航城大道", "鹤洲路", "黄田路", "宝安大道", "九围一路"},
    {"福永大道", "凤凰大道", "白石厦路", "福洲大道", "怀德路"},
    {"福海大道", "和平路", "新和大道", "展城路"},
    {"沙井路", "新沙路", "沙井大街", "北环路", "南环路"},
    {"新桥大道", "上星路", "新玉路", "北环路"},
    {"松福大道", "松岗大道", "沙江路", "东方大道"},
    {"燕罗路", "燕川路", "罗田路", "广田路"},
    {"石龙仔路", "宝石南路", "石环路", "塘头大道", "料坑路"},
}};

// Parks (the catalog's 园区 values). The four advanced-manufacturing parks
// come first.
enum Park : uint8_t {
  kYanluo,
  kShiyan,
  kXinqiaoEast,
  kFuhaiShajing,
  kTaohuayuan,
  kZhigu,
  kCentre,
  kAirportLogistics,
  kSonggang,
  kShajingElectronics,
  kOutside,
  kParkCount
};
constexpr std::array<std::string_view, kParkCount> kParkNames = {"燕罗先进制造业园区",
                                                                 "石岩先进制造业园区",
                                                                 "新桥东先进制造业园区",
                                                                 "福海-沙井先进制造业园区",
                                                                 "桃花源科技创新园",
                                                                 "宝安智谷科技创新园",
                                                                 "宝安中心区总部园",
                                                                 "大空港物流园",
                                                                 "松岗智能制造园",
                                                                 "沙井电子信息产业园",
                                                                 "园区外"};

constexpr std::array<std::string_view, 11> kDistricts = {"宝安区", "南山区",   "福田区",  "罗湖区",
                                                         "盐田区", "龙岗区",   "龙华区",  "坪山区",
                                                         "光明区", "大鹏新区", "深圳市外"};
constexpr std::array<std::string_view, 11> kDistrictCodes = {"440306", "440305", "440304", "440303",
                                                             "440308", "440307", "440309", "440310",
                                                             "440311", "440313", "440106"};
constexpr std::array<double, 11> kOtherDistrictWeights = {0, 4,   2,   0.8, 0.2, 1,
                                                          2, 0.3, 1.5, 0.2, 1};

enum Group : uint8_t { kElectronics, kEquipment, kOtherMaking, kSoftware, kNoGroup };

// Emerging-industry bits (order of the catalog's 战略性新兴产业 values).
enum Emerging : uint32_t {
  kNextGenIT = 1u << 0,
  kIC = 1u << 1,
  kDisplay = 1u << 2,
  k5G = 1u << 3,
  kAI = 1u << 4,
  kHighEndEquipment = 1u << 5,
  kBiomed = 1u << 6,
  kNewMaterials = 1u << 7,
  kNewEnergy = 1u << 8,
  kGreen = 1u << 9,
  kDigitalCreative = 1u << 10,
  kSmartVehicle = 1u << 11,
  kLowAltitude = 1u << 12,
};
constexpr std::array<std::string_view, 13> kEmergingNames = {
    "新一代信息技术", "集成电路",     "新型显示", "5G通信", "人工智能",
    "高端装备制造",   "生物医药",     "新材料",   "新能源", "节能环保",
    "数字创意",       "智能网联汽车", "低空经济"};

struct IndustryCode {
  std::string_view code, name;
  double weight;
  Group group;
  uint32_t emerging;
};

// GB/T 4754-2017 small classes that occur in Bao'an, with weights inside
// their section.
const std::vector<IndustryCode>& codes_of(char letter) {
  static const std::vector<IndustryCode> kA = {{"0412", "海水养殖", 3, kNoGroup, 0},
                                               {"0190", "其他农业", 1, kNoGroup, 0}};
  static const std::vector<IndustryCode> kB = {{"1019", "粘土及其他土砂石开采", 1, kNoGroup, 0}};
  static const std::vector<IndustryCode> kC = {
      {"3911", "计算机整机制造", 2, kElectronics, kNextGenIT},
      {"3912", "计算机零部件制造", 2, kElectronics, kNextGenIT},
      {"3913", "计算机外围设备制造", 1, kElectronics, kNextGenIT},
      {"3914", "工业控制计算机及系统制造", 1, kElectronics, kNextGenIT},
      {"3921", "通信系统设备制造", 2, kElectronics, k5G | kNextGenIT},
      {"3922", "通信终端设备制造", 3, kElectronics, k5G | kNextGenIT},
      {"3952", "音响设备制造", 2, kElectronics, 0},
      {"3961", "可穿戴智能设备制造", 2, kElectronics, kNextGenIT},
      {"3962", "智能车载设备制造", 1, kElectronics, kSmartVehicle},
      {"3963", "智能无人飞行器制造", 1, kElectronics, kLowAltitude},
      {"3969", "其他智能消费设备制造", 1, kElectronics, kNextGenIT},
      {"3972", "半导体分立器件制造", 1, kElectronics, kIC},
      {"3973", "集成电路制造", 0.6, kElectronics, kIC},
      {"3974", "显示器件制造", 1.5, kElectronics, kDisplay},
      {"3975", "半导体照明器件制造", 1.5, kElectronics, kNextGenIT},
      {"3976", "光电子器件制造", 2, kElectronics, kNextGenIT},
      {"3979", "其他电子器件制造", 1, kElectronics, 0},
      {"3981", "电阻电容电感元件制造", 2, kElectronics, kNextGenIT},
      {"3982", "电子电路制造", 3, kElectronics, kNextGenIT},
      {"3983", "敏感元件及传感器制造", 1.5, kElectronics, kNextGenIT},
      {"3984", "电声器件及零件制造", 1.5, kElectronics, 0},
      {"3985", "电子专用材料制造", 1, kElectronics, kNewMaterials},
      {"3989", "其他电子元件制造", 2, kElectronics, 0},
      {"3990", "其他电子设备制造", 2, kElectronics, 0},
      {"3421", "金属切削机床制造", 1, kEquipment, kHighEndEquipment},
      {"3441", "泵及真空设备制造", 0.5, kEquipment, 0},
      {"3484", "机械零部件加工", 2, kEquipment, 0},
      {"3489", "其他通用零部件制造", 1, kEquipment, 0},
      {"3491", "工业机器人制造", 1, kEquipment, kHighEndEquipment | kAI},
      {"3493", "增材制造装备制造", 0.3, kEquipment, kHighEndEquipment},
      {"3562", "半导体器件专用设备制造", 1, kEquipment, kIC | kHighEndEquipment},
      {"3563", "电子元器件与机电组件设备制造", 1, kEquipment, kHighEndEquipment},
      {"3569", "其他电子专用设备制造", 1, kEquipment, kHighEndEquipment},
      {"3581", "医疗诊断、监护及治疗设备制造", 0.8, kEquipment, kBiomed},
      {"3589", "其他医疗设备及器械制造", 0.8, kEquipment, kBiomed},
      {"3599", "其他专用设备制造", 1.5, kEquipment, kHighEndEquipment},
      {"4011", "工业自动控制系统装置制造", 1, kEquipment, kHighEndEquipment},
      {"4040", "光学仪器制造", 0.8, kEquipment, 0},
      {"4090", "其他仪器仪表制造业", 1, kEquipment, 0},
      {"3824", "电力电子元器件制造", 1, kEquipment, kNewEnergy},
      {"3831", "电线、电缆制造", 1, kEquipment, 0},
      {"3841", "锂离子电池制造", 2, kEquipment, kNewEnergy},
      {"3849", "其他电池制造", 0.5, kEquipment, kNewEnergy},
      {"3856", "家用美容、保健护理电器具制造", 0.8, kEquipment, 0},
      {"3871", "电光源制造", 0.5, kEquipment, 0},
      {"3874", "智能照明器具制造", 1, kEquipment, kNextGenIT},
      {"3879", "灯用电器附件及其他照明器具制造", 1, kEquipment, 0},
      {"3670", "汽车零部件及配件制造", 1.5, kEquipment, kSmartVehicle},
      {"3612", "新能源车整车制造", 0.2, kEquipment, kNewEnergy | kSmartVehicle},
      {"2921", "塑料薄膜制造", 1.5, kOtherMaking, 0},
      {"2922", "塑料板、管、型材制造", 1, kOtherMaking, 0},
      {"2927", "日用塑料制品制造", 1, kOtherMaking, 0},
      {"2929", "塑料零件及其他塑料制品制造", 3, kOtherMaking, 0},
      {"3311", "金属结构制造", 1, kOtherMaking, 0},
      {"3360", "金属表面处理及热处理加工", 1.5, kOtherMaking, 0},
      {"3399", "其他未列明金属制品制造", 2, kOtherMaking, 0},
      {"2641", "涂料制造", 0.5, kOtherMaking, kNewMaterials},
      {"2669", "其他专用化学产品制造", 0.5, kOtherMaking, kNewMaterials},
      {"3099", "其他非金属矿物制品制造", 0.5, kOtherMaking, 0},
      {"1811", "运动机织服装制造", 1, kOtherMaking, 0},
      {"1951", "纺织面料鞋制造", 0.5, kOtherMaking, 0},
      {"2231", "纸和纸板容器制造", 1, kOtherMaking, 0},
      {"2319", "包装装潢及其他印刷", 1.5, kOtherMaking, 0},
      {"2411", "文具制造", 0.5, kOtherMaking, 0},
      {"2438", "珠宝首饰及有关物品制造", 1, kOtherMaking, 0},
      {"2710", "化学药品原料药制造", 0.3, kOtherMaking, kBiomed},
      {"2770", "卫生材料及医药用品制造", 0.3, kOtherMaking, kBiomed},
  };
  static const std::vector<IndustryCode> kD = {{"4420", "电力供应", 1, kNoGroup, 0},
                                               {"4416", "太阳能发电", 1, kNoGroup, kNewEnergy},
                                               {"4610", "自来水生产和供应", 0.5, kNoGroup, 0}};
  static const std::vector<IndustryCode> kE = {
      {"4710", "住宅房屋建筑", 2, kNoGroup, 0},       {"4790", "其他房屋建筑业", 1, kNoGroup, 0},
      {"4813", "市政道路工程建筑", 1, kNoGroup, 0},   {"4910", "电气安装", 2, kNoGroup, 0},
      {"5011", "公共建筑装饰和装修", 3, kNoGroup, 0}, {"5012", "住宅装饰和装修", 2, kNoGroup, 0}};
  static const std::vector<IndustryCode> kF = {
      {"5176", "计算机、软件及辅助设备批发", 4, kNoGroup, 0},
      {"5177", "通讯设备批发", 3, kNoGroup, 0},
      {"5179", "其他机械设备及电子产品批发", 5, kNoGroup, 0},
      {"5181", "贸易代理", 2, kNoGroup, 0},
      {"5199", "其他未列明批发业", 4, kNoGroup, 0},
      {"5123", "果品、蔬菜批发", 1, kNoGroup, 0},
      {"5212", "超级市场零售", 1, kNoGroup, 0},
      {"5261", "汽车新车零售", 0.5, kNoGroup, 0},
      {"5271", "家用视听设备零售", 1, kNoGroup, 0},
      {"5292", "互联网零售", 3, kNoGroup, 0}};
  static const std::vector<IndustryCode> kG = {
      {"5431", "普通货物道路运输", 3, kNoGroup, 0}, {"5612", "航空货物运输", 1, kNoGroup, 0},
      {"5821", "货物运输代理", 5, kNoGroup, 0},     {"5910", "装卸搬运", 1, kNoGroup, 0},
      {"5920", "通用仓储", 3, kNoGroup, 0},         {"6020", "快递服务", 2, kNoGroup, 0}};
  static const std::vector<IndustryCode> kH = {{"6110", "旅游饭店", 1, kNoGroup, 0},
                                               {"6210", "正餐服务", 4, kNoGroup, 0},
                                               {"6220", "快餐服务", 3, kNoGroup, 0},
                                               {"6291", "小吃服务", 2, kNoGroup, 0}};
  static const std::vector<IndustryCode> kI = {
      {"6429", "互联网其他信息服务", 2, kSoftware, kNextGenIT},
      {"6450", "互联网数据服务", 1, kSoftware, kNextGenIT | kAI},
      {"6511", "基础软件开发", 1, kSoftware, kNextGenIT},
      {"6513", "应用软件开发", 5, kSoftware, kNextGenIT},
      {"6519", "其他软件开发", 2, kSoftware, kNextGenIT},
      {"6520", "集成电路设计", 1.5, kSoftware, kIC},
      {"6531", "信息系统集成服务", 3, kSoftware, kNextGenIT},
      {"6532", "物联网技术服务", 2, kSoftware, kNextGenIT},
      {"6540", "运行维护服务", 1, kSoftware, 0},
      {"6560", "信息技术咨询服务", 1.5, kSoftware, kAI}};
  static const std::vector<IndustryCode> kJ = {{"6631", "融资租赁服务", 1, kNoGroup, 0},
                                               {"6635", "小额贷款公司服务", 0.5, kNoGroup, 0},
                                               {"6760", "资本投资服务", 1.5, kNoGroup, 0}};
  static const std::vector<IndustryCode> kK = {{"7010", "房地产开发经营", 1, kNoGroup, 0},
                                               {"7020", "物业管理", 3, kNoGroup, 0},
                                               {"7030", "房地产中介服务", 1, kNoGroup, 0},
                                               {"7040", "房地产租赁经营", 2, kNoGroup, 0}};
  static const std::vector<IndustryCode> kL = {
      {"7211", "企业总部管理", 1, kNoGroup, 0},
      {"7212", "投资与资产管理", 2, kNoGroup, 0},
      {"7221", "园区管理服务", 0.6, kNoGroup, 0},
      {"7241", "会计、审计及税务服务", 1, kNoGroup, 0},
      {"7251", "互联网广告服务", 1, kNoGroup, kDigitalCreative},
      {"7259", "其他广告服务", 1, kNoGroup, 0},
      {"7263", "劳务派遣服务", 1.5, kNoGroup, 0},
      {"7281", "科技会展服务", 0.5, kNoGroup, 0},
      {"7295", "商务代理代办服务", 2, kNoGroup, 0},
      {"7299", "其他未列明商务服务业", 3, kNoGroup, 0}};
  static const std::vector<IndustryCode> kM = {
      {"7320", "工程和技术研究和试验发展", 3, kNoGroup, kNextGenIT},
      {"7452", "检测服务", 2, kNoGroup, 0},
      {"7483", "工程设计活动", 1, kNoGroup, 0},
      {"7491", "工业设计服务", 1.5, kNoGroup, kDigitalCreative},
      {"7492", "专业设计服务", 1, kNoGroup, kDigitalCreative},
      {"7513", "新材料技术推广服务", 1, kNoGroup, kNewMaterials},
      {"7514", "节能技术推广服务", 1, kNoGroup, kGreen},
      {"7519", "其他技术推广服务", 4, kNoGroup, 0},
      {"7520", "知识产权服务", 1, kNoGroup, 0},
      {"7530", "科技中介服务", 1, kNoGroup, 0}};
  static const std::vector<IndustryCode> kN = {{"7723", "固体废物治理", 1, kNoGroup, kGreen},
                                               {"7820", "环境卫生管理", 1, kNoGroup, 0}};
  static const std::vector<IndustryCode> kO = {{"8010", "家庭服务", 1, kNoGroup, 0},
                                               {"8111", "汽车修理与维护", 2, kNoGroup, 0},
                                               {"8121", "计算机和辅助设备修理", 1, kNoGroup, 0},
                                               {"8090", "其他居民服务业", 1, kNoGroup, 0}};
  static const std::vector<IndustryCode> kP = {{"8391", "职业技能培训", 2, kNoGroup, 0},
                                               {"8393", "文化艺术培训", 1, kNoGroup, 0}};
  static const std::vector<IndustryCode> kQ = {{"8425", "门诊部（所）", 2, kNoGroup, 0},
                                               {"8415", "专科医院", 1, kNoGroup, 0}};
  static const std::vector<IndustryCode> kR = {{"8810", "文艺创作与表演", 1, kNoGroup, 0},
                                               {"8930", "健身休闲活动", 2, kNoGroup, 0},
                                               {"9030", "休闲观光活动", 0.5, kNoGroup, 0}};
  switch (letter) {
    case 'A':
      return kA;
    case 'B':
      return kB;
    case 'C':
      return kC;
    case 'D':
      return kD;
    case 'E':
      return kE;
    case 'F':
      return kF;
    case 'G':
      return kG;
    case 'H':
      return kH;
    case 'I':
      return kI;
    case 'J':
      return kJ;
    case 'K':
      return kK;
    case 'L':
      return kL;
    case 'M':
      return kM;
    case 'N':
      return kN;
    case 'O':
      return kO;
    case 'P':
      return kP;
    case 'Q':
      return kQ;
    default:
      return kR;
  }
}

const IndustryCode& find_code(std::string_view code) {
  for (char l : std::string_view("CI")) {
    for (const IndustryCode& c : codes_of(l))
      if (c.code == code) return c;
  }
  return codes_of('C').front();
}

const IndustryCode& pick_code(Rng& rng, char letter, int group = -1) {
  const auto& list = codes_of(letter);
  double total = 0;
  for (const auto& c : list)
    if (group < 0 || c.group == group) total += c.weight;
  double u = rng.uniform() * total;
  for (const auto& c : list) {
    if (group >= 0 && c.group != group) continue;
    if (u < c.weight) return c;
    u -= c.weight;
  }
  return list.back();
}

// Sections: Bao'an is about 40% manufacturing, then trade, business and
// R&D services, software, logistics, construction.
constexpr std::array<char, 18> kLetters = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I',
                                           'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R'};
constexpr std::array<double, 18> kLetterWeights = {0.2, 0.05, 40,  0.3, 4,   20,  5,   3,   6,
                                                   0.8, 1.5,  7.5, 7,   0.5, 1.5, 0.5, 0.4, 0.6};

constexpr std::array<std::string_view, 9> kCompanyTypes = {
    "有限责任公司",   "股份有限公司", "个人独资企业", "合伙企业", "外商投资企业",
    "港澳台投资企业", "国有企业",     "集体企业",     "分公司"};
constexpr std::array<double, 9> kCompanyTypeWeights = {78, 4, 4, 3, 3, 4.5, 0.6, 0.4, 2.5};

constexpr std::array<std::string_view, 5> kCredit = {"A", "B", "M", "C", "D"};
constexpr std::array<double, 5> kCreditSmall = {16, 62, 12, 7, 3};
constexpr std::array<double, 5> kCreditLarge = {45, 44, 6, 4, 1};

constexpr std::array<std::string_view, 17> kQualNames = {"高新技术企业",
                                                         "科技型中小企业",
                                                         "创新型中小企业",
                                                         "省级专精特新中小企业",
                                                         "国家级专精特新小巨人",
                                                         "制造业单项冠军",
                                                         "瞪羚企业",
                                                         "独角兽企业",
                                                         "绿色工厂",
                                                         "智能工厂",
                                                         "数字化车间",
                                                         "企业技术中心",
                                                         "工程技术研究中心",
                                                         "知识产权优势企业",
                                                         "深圳知名品牌",
                                                         "总部企业",
                                                         "省级战略性产业集群骨干企业"};
enum Qual : uint32_t {
  kHighTech = 1u << 0,
  kTechSme = 1u << 1,
  kInnovativeSme = 1u << 2,
  kProvincialSrdi = 1u << 3,
  kLittleGiant = 1u << 4,
  kChampion = 1u << 5,
  kGazelle = 1u << 6,
  kUnicorn = 1u << 7,
  kGreenFactory = 1u << 8,
  kSmartFactory = 1u << 9,
  kDigitalWorkshop = 1u << 10,
  kTechCentre = 1u << 11,
  kEngineeringCentre = 1u << 12,
  kIpAdvantage = 1u << 13,
  kKnownBrand = 1u << 14,
  kHeadquarters = 1u << 15,
  kBackbone = 1u << 16,
};

constexpr std::array<std::string_view, 5> kRankNames = {"世界500强", "中国500强", "广东省百强企业",
                                                        "深圳市百强企业", "深圳工业百强"};

constexpr std::array<std::string_view, 9> kListings = {"未上市", "深交所主板", "上交所主板",
                                                       "创业板", "科创板",     "北交所",
                                                       "新三板", "港股",       "境外上市"};
constexpr std::array<double, 9> kListingWeights = {0, 22, 8, 28, 10, 5, 18, 7, 2};

constexpr std::array<std::string_view, 7> kGrantKinds = {
    "无",           "国家级科技计划", "省级科技计划", "市级科技计划",
    "市级创新平台", "基础研究",       "重点实验室"};
constexpr std::array<double, 7> kGrantWeights = {0, 5, 15, 50, 5, 15, 3};
constexpr std::array<std::string_view, 5> kInstituteLevels = {"无", "区级", "市级", "省级",
                                                              "国家级"};

constexpr std::array<std::string_view, 8> kBanks = {
    "中国工商银行深圳宝安支行", "中国建设银行深圳宝安支行", "中国银行深圳宝安支行",
    "中国农业银行深圳宝安支行", "招商银行深圳宝安支行",     "平安银行深圳宝安支行",
    "深圳农村商业银行宝安支行", "交通银行深圳宝安支行"};

const char* const kSurnames =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭肖蔡潘田董袁于余叶蒋杜苏魏程吕"
    "丁沈任姚卢钟谭陆汪范金廖贾夏韦方邹熊邱江";
const char* const kGivenChars =
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂华文辉力建国志红俊海峰鹏浩宇晨欣怡嘉琳思涵子轩梓睿"
    "锦荣德昌永康佳颖雪琪晓东";
const char* const kBrandChars =
    "华鑫创达盛丰瑞泰科信宏海新联恒通利源德美佳安嘉兴宝广金晟昌远辉翔博腾锐捷智芯微光永顺祥和众益凯"
    "诚"
    "隆弘耀峰明星鹏天成合汇福聚融卓越航领迅亿普";

// The n-th UTF-8 character (all CJK, 3 bytes) of a string of them.
std::string_view cjk_at(const char* s, size_t n) {
  return std::string_view(s + 3 * n, 3);
}
size_t cjk_count(const char* s) {
  return std::char_traits<char>::length(s) / 3;
}

std::string_view name_word(Rng& rng, char letter, Group group) {
  static constexpr std::array<std::string_view, 8> kElectronicsWords = {
      "电子", "光电", "电路", "通讯", "智能科技", "微电子", "精密电子", "数码"};
  static constexpr std::array<std::string_view, 8> kEquipmentWords = {
      "智能装备", "机电", "自动化", "精密机械", "新能源", "电源", "医疗器械", "电气"};
  static constexpr std::array<std::string_view, 7> kMakingWords = {"塑胶", "五金", "包装", "新材料",
                                                                   "模具", "实业", "制品"};
  static constexpr std::array<std::string_view, 5> kTradeWords = {"贸易", "商贸", "供应链",
                                                                  "电子商务", "进出口"};
  static constexpr std::array<std::string_view, 5> kSoftwareWords = {"信息技术", "软件", "网络科技",
                                                                     "数据科技", "物联网"};
  static constexpr std::array<std::string_view, 5> kResearchWords = {"检测技术", "工业设计", "科技",
                                                                     "技术服务", "研发"};
  static constexpr std::array<std::string_view, 3> kBuildWords = {"建设工程", "建筑工程",
                                                                  "装饰工程"};
  static constexpr std::array<std::string_view, 3> kFoodWords = {"餐饮管理", "酒店管理", "餐饮"};
  static constexpr std::array<std::string_view, 4> kBusinessWords = {"企业管理", "咨询", "人力资源",
                                                                     "商务服务"};
  static constexpr std::array<std::string_view, 4> kLogisticsWords = {"物流", "运输", "货运代理",
                                                                      "国际物流"};
  static constexpr std::array<std::string_view, 2> kEstateWords = {"置业", "物业管理"};
  static constexpr std::array<std::string_view, 2> kFinanceWords = {"投资", "融资租赁"};
  static constexpr std::array<std::string_view, 3> kOtherWords = {"实业", "发展", "服务"};
  switch (letter) {
    case 'C':
      return group == kElectronics ? rng.pick(kElectronicsWords)
             : group == kEquipment ? rng.pick(kEquipmentWords)
                                   : rng.pick(kMakingWords);
    case 'F':
      return rng.pick(kTradeWords);
    case 'I':
      return rng.pick(kSoftwareWords);
    case 'M':
      return rng.pick(kResearchWords);
    case 'E':
      return rng.pick(kBuildWords);
    case 'H':
      return rng.pick(kFoodWords);
    case 'L':
      return rng.pick(kBusinessWords);
    case 'G':
      return rng.pick(kLogisticsWords);
    case 'K':
      return rng.pick(kEstateWords);
    case 'J':
      return rng.pick(kFinanceWords);
    default:
      return rng.pick(kOtherWords);
  }
}

// ------------------------------------------------------------------ codes

constexpr std::string_view kUsccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

int uscc_value(char c) {
  size_t p = kUsccChars.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

// GB 11714 organisation code check character for 8 characters.
char org_check(std::string_view s8) {
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    char c = s8[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
    sum += v * kOrgWeights[i];
  }
  int c = 11 - sum % 11;
  return c == 10 ? 'X' : c == 11 ? '0' : static_cast<char>('0' + c);
}

// A code unique per id: the id scrambled by a bijection of [0, 31^5) for
// firms founded since 2016 ("MA5" + 5 characters), of [0, 10^8) before.
std::string make_uscc(int64_t id, std::string_view district_code, bool recent) {
  std::string org;
  if (recent) {
    constexpr uint64_t kSpace = 31ULL * 31 * 31 * 31 * 31;
    uint64_t x = (static_cast<uint64_t>(id) * 7919ULL + 104729ULL) % kSpace;
    org = "MA5";
    char tail[5];
    for (int i = 4; i >= 0; --i) {
      tail[i] = kUsccChars[x % 31];
      x /= 31;
    }
    org.append(tail, 5);
  } else {
    uint64_t x = (static_cast<uint64_t>(id) * 7919ULL + 3141593ULL) % 100000000ULL;
    org = fmt::format("{:08d}", x);
  }
  std::string s = "91";
  s += district_code;
  s += org;
  s += org_check(org);
  s += uscc_check_char(s);
  return s;
}

// A national ID number with a region code no county has (440399), a birth
// date and a valid ISO 7064 MOD 11-2 check digit: well-formed, not real.
std::string make_id_number(Rng& rng, int birth_year) {
  std::string s = fmt::format("440399{:04d}{:02d}{:02d}{:03d}", birth_year, rng.range(1, 12),
                              rng.range(1, 28), rng.range(1, 999));
  static constexpr std::array<int, 17> kW = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (s[i] - '0') * kW[i];
  s += "10X98765432"[sum % 11];
  return s;
}

// Mobile numbers starting with 100: shaped like one, assigned to no one.
std::string make_phone(Rng& rng) {
  return fmt::format("100{:08d}", rng.range(0, 99999999));
}

std::string make_person(Rng& rng) {
  std::string s(cjk_at(kSurnames, static_cast<size_t>(rng.range(0, cjk_count(kSurnames) - 1))));
  int given = rng.chance(0.7) ? 2 : 1;
  for (int i = 0; i < given; ++i)
    s += cjk_at(kGivenChars, static_cast<size_t>(rng.range(0, cjk_count(kGivenChars) - 1)));
  return s;
}

// ------------------------------------------------------------------ a firm

struct Text {
  std::string s;
  bool na = false;
};
struct SetValue {
  uint32_t bits = 0;
  bool na = false;
};
using Series = std::array<int64_t, kYears>;

constexpr Series kNaSeries = {kNA, kNA, kNA};

// Every generated fact of one enterprise. kNA / kNoDate / flag -1 / an enum
// view without data mean missing.
struct Firm {
  int64_t id = 0;
  Text uscc, name, legal, legal_id, legal_phone, agent, agent_phone, address, street_code,
      community, industry_code, industry_name, cert_no, bank, account;
  std::string_view company_type, holding, status, street, park, reg, tax_reg, stat_reg, op_reg,
      sishang_kind, letter, size, credit, listing, tutoring_market, grant_kind, institute_level,
      building_type;
  int8_t legal_person = -1, moved = -1, sishang = -1, gsgy = -1, first_loan = -1, fund_backed = -1,
         contest = -1, severe = -1, abnormal = -1, penalty = -1, tax_owed = -1, cert_renamed = -1,
         lease_filed = -1, own_let = -1, park_operator = -1, account_ok = -1;
  int64_t lon = kNA, lat = kNA;  // scale 6
  int64_t capital = kNA, paid_capital = kNA, staff = kNA, insured = kNA, rd_staff = kNA;
  int64_t first_in_year = kNA, hitech_first_year = kNA, srdi_year = kNA, giant_year = kNA;
  int64_t inventions = kNA, utility = kNA, designs = kNA, software = kNA, pct = kNA;
  int64_t lease_area = kNA, rent = kNA, office_area = kNA;  // scale 1
  int64_t park_area = kNA, park_density = kNA;              // scale 0
  int64_t rank_year = kNA;
  int32_t founded = kNoDate, moved_on = kNoDate, hitech_on = kNoDate, listed_on = kNoDate,
          reformed_on = kNoDate, tutored_on = kNoDate, lease_start = kNoDate,
          institute_on = kNoDate;
  SetValue emerging, quals, ranks;
  Series revenue = kNaSeries, main_revenue = kNaSeries, output = kNaSeries, value_added = kNaSeries,
         profit = kNaSeries, assets = kNaSeries, liabilities = kNaSeries, rd = kNaSeries,
         hitech_revenue = kNaSeries, tax = kNaSeries, vat = kNaSeries, cit = kNaSeries,
         exports = kNaSeries, unemployment = kNaSeries, tech_invest = kNaSeries,
         local_share = kNaSeries, loans = kNaSeries, interest = kNaSeries, insurance = kNaSeries,
         guarantee = kNaSeries, equity = kNaSeries, expo_main = kNaSeries, expo_other = kNaSeries,
         expo_count = kNaSeries, expo_city = kNaSeries, std_intl = kNaSeries,
         std_national = kNaSeries, grant = kNaSeries, patents_granted = kNaSeries,
         renovation = kNaSeries;
};

// The 四上 threshold of an industry (yuan of yearly revenue); 0 = every
// firm of the kind reports (real-estate developers).
int64_t sishang_threshold(char letter, std::string_view code) {
  switch (letter) {
    case 'B':
    case 'C':
    case 'D':
      return 2000 * kWan;
    case 'F':
      return code.substr(0, 2) == "51" ? 2000 * kWan : 500 * kWan;
    case 'H':
      return 200 * kWan;
    case 'E':
      return 5000 * kWan;
    case 'K':
      return code == "7010" ? 0 : 2000 * kWan;
    case 'G':
    case 'I':
      return 2000 * kWan;
    case 'L':
    case 'M':
    case 'P':
    case 'Q':
    case 'N':
      return 1000 * kWan;
    default:
      return 500 * kWan;
  }
}

std::string_view sishang_kind(char letter, std::string_view code) {
  switch (letter) {
    case 'B':
    case 'C':
    case 'D':
      return "规上工业";
    case 'F':
      return code.substr(0, 2) == "51" ? "限上批发" : "限上零售";
    case 'H':
      return "限上住宿餐饮";
    case 'E':
      return "资质内建筑业";
    case 'K':
      return code == "7010" ? "房地产开发经营" : "规上服务业";
    default:
      return "规上服务业";
  }
}

// 大中小微 (2017 rules, simplified to staff and revenue; construction uses
// revenue and assets).
std::string_view size_class(char letter, std::string_view code, int64_t staff, int64_t revenue,
                            int64_t assets) {
  if (revenue == kNA || staff == kNA) return {};
  auto pick = [&](int64_t ls, int64_t lr, int64_t ms, int64_t mr, int64_t ss,
                  int64_t sr) -> std::string_view {
    if (staff >= ls && revenue >= lr) return "大型";
    if (staff >= ms && revenue >= mr) return "中型";
    if (staff >= ss && revenue >= sr) return "小型";
    return "微型";
  };
  switch (letter) {
    case 'B':
    case 'C':
    case 'D':
      return pick(1000, 4 * kYi, 300, 2000 * kWan, 20, 300 * kWan);
    case 'F':
      if (code.substr(0, 2) == "51") return pick(200, 4 * kYi, 20, 5000 * kWan, 5, 1000 * kWan);
      return pick(300, 2 * kYi, 50, 500 * kWan, 10, 100 * kWan);
    case 'E': {
      if (assets == kNA) return {};
      if (revenue >= 8 * kYi && assets >= 8 * kYi) return "大型";
      if (revenue >= 6000 * kWan && assets >= 5000 * kWan) return "中型";
      if (revenue >= 300 * kWan && assets >= 300 * kWan) return "小型";
      return "微型";
    }
    case 'H':
      return pick(300, 1 * kYi, 100, 2000 * kWan, 10, 100 * kWan);
    default:
      return pick(300, 1 * kYi, 100, 1000 * kWan, 10, 50 * kWan);
  }
}

int year_index(int y) {
  return y - kFirstYear;
}
int year_of(int32_t d) {
  return civil_from_days(d).year;
}

// The rare profiles placed at fixed strides of the id.
bool is_giant(int64_t id) {  // 国家级专精特新小巨人: 50 of 200,000
  return id % 4000 == 17;
}
bool is_head(int64_t id) {  // output in the tens of billions: 4 of 200,000
  return id % 50000 == 29;
}
bool is_attracted(int64_t id) {  // newly attracted key firms: 40 of 200,000
  return id % 5000 == 2311;
}

int64_t round_money(double v) {
  return static_cast<int64_t>(std::llround(v));
}

// Names, people and addresses of a firm (after its industry and place).
void identity(Rng& rng, Firm& f, const IndustryCode& code, char letter);

// One enterprise being drawn: its random stream, its facts so far, and the
// choices that later steps depend on. The steps run in a fixed order, each
// drawing from the one stream, so a seed and an id always give the same firm.
class Draw {
 public:
  Draw(uint64_t seed, int64_t id, Firm& f)
      : rng_(seed, static_cast<uint64_t>(id)),
        f_(f),
        giant_(is_giant(id)),
        head_(is_head(id)),
        attracted_(is_attracted(id)) {
    f_.id = id;
    flagship_ = giant_ || head_ || attracted_;
    k_ = giant_ ? id / 4000 : head_ ? id / 50000 : attracted_ ? id / 5000 : 0;
    attract_kind_ = static_cast<int>(k_ % 4);
    giant_kind_ = giant_ ? static_cast<int>(k_ % 4) : -1;
  }

  void run() {
    industry();
    place();
    founding();
    revenue();
    finance();
    statistics();
    classify_size();
    technology();
    credit();
    capital();
    moving();
    listing();
    activities();
    space();
    rankings();
    people();
    gaps();
  }

 private:
  void industry();
  void place();
  void founding();
  void revenue();
  void finance();
  void statistics();
  void classify_size();
  void technology();
  void credit();
  void capital();
  void moving();
  void listing();
  void activities();
  void space();
  void rankings();
  void people();
  void gaps();

  Rng rng_;
  Firm& f_;
  const bool giant_, head_, attracted_;
  bool flagship_ = false;
  int64_t k_ = 0;         // index of a rare profile among its kind
  int attract_kind_ = 0;  // attracted: IC design, IC making, software, listed
  // Giants k % 4: 0 a large one that founded an R&D institute in 2024, 1 a
  // park firm that crossed 1亿 since 2022, 2 an expanding equipment maker.
  int giant_kind_ = -1;
  char letter_ = 'C';
  const IndustryCode* code_ = nullptr;
  Group group_ = kNoGroup;
  bool tech_ = false;  // C, I or M
  int founded_year_ = 0;
  double staff_ = 1;
  bool shell_ = false;  // a registered shell with no real business
  bool rd_active_ = false;
  double intensity_ = 0;  // R&D expense / revenue
  bool hitech_ = false;   // 国家高新技术企业
  double va_ratio_ = 0.24;
  bool sme_ = false;
  double rev_now_ = 0;     // 2024 revenue, 0 when missing
  uint32_t emerging_ = 0;  // Emerging bits
};

// The section and four-digit class; the rare profiles have theirs.
void Draw::industry() {
  letter_ = kLetters[pick_weighted(rng_, kLetterWeights)];
  if (head_) {
    letter_ = 'C';
    code_ = &find_code(k_ % 2 == 0 ? "3922" : "3911");
  } else if (giant_) {
    letter_ = 'C';
    code_ = &pick_code(rng_, 'C', k_ % 3 == 2 ? kEquipment : kElectronics);
  } else if (attracted_) {
    static constexpr std::array<std::string_view, 4> kAttractCodes = {"6520", "3973", "6513",
                                                                      "3976"};
    code_ = &find_code(kAttractCodes[static_cast<size_t>(attract_kind_)]);
    letter_ = code_->code[0] == '6' ? 'I' : 'C';
  } else {
    code_ = &pick_code(rng_, letter_);
  }
  group_ = code_->group;
  tech_ = letter_ == 'C' || letter_ == 'I' || letter_ == 'M';
}

// Street (by industry), registration, tax and statistics districts, park,
// coordinates.
void Draw::place() {
  const auto& street_w = letter_ == 'C' || letter_ == 'B' || letter_ == 'D' ? kStreetManufacturing
                         : letter_ == 'G'                                   ? kStreetLogistics
                         : (letter_ == 'A' || letter_ == 'E' || letter_ == 'N') ? kStreetOther
                                                                                : kStreetServices;
  size_t street = pick_weighted(rng_, street_w);
  f_.street = kStreets[street].name;
  f_.street_code.s = std::string(kStreets[street].code);
  size_t reg = 0;
  if (!flagship_ && rng_.chance(0.10)) reg = pick_weighted(rng_, kOtherDistrictWeights);
  f_.reg = kDistricts[reg];
  f_.tax_reg = rng_.chance(0.96)
                   ? f_.reg
                   : kDistricts[rng_.chance(0.5) ? 0 : pick_weighted(rng_, kOtherDistrictWeights)];
  f_.stat_reg = rng_.chance(0.94)
                    ? f_.reg
                    : kDistricts[rng_.chance(0.5) ? 0 : pick_weighted(rng_, kOtherDistrictWeights)];
  f_.op_reg = rng_.chance(0.97) ? kDistricts[0] : f_.reg;
  if (flagship_) f_.tax_reg = f_.stat_reg = f_.op_reg = f_.reg;

  Park park = kOutside;
  {
    double u = rng_.uniform();
    bool making = letter_ == 'C';
    switch (street) {
      case 0:
        if (!making && u < 0.18) park = kCentre;
        break;
      case 1:
        if ((letter_ == 'I' || letter_ == 'M') ? u < 0.30 : u < 0.06) park = kZhigu;
        break;
      case 2:
        if (tech_ && u < 0.22) park = kTaohuayuan;
        break;
      case 3:
        if (letter_ == 'G' && u < 0.40)
          park = kAirportLogistics;
        else if (tech_ && u < 0.15)
          park = kTaohuayuan;
        break;
      case 4:
        if (making && u < 0.30) park = kFuhaiShajing;
        break;
      case 5:
        if (making && u < 0.18)
          park = kFuhaiShajing;
        else if (making && group_ == kElectronics && u < 0.38)
          park = kShajingElectronics;
        break;
      case 6:
        if (making && u < 0.35) park = kXinqiaoEast;
        break;
      case 7:
        if (making && u < 0.30) park = kSonggang;
        break;
      case 8:
        if (making && u < 0.40) park = kYanluo;
        break;
      case 9:
        if (making && u < 0.35) park = kShiyan;
        break;
    }
  }
  if (giant_kind_ == 1) {  // in an advanced-manufacturing park
    static constexpr std::array<size_t, 4> kParkStreets = {8, 9, 6, 4};  // 燕罗 石岩 新桥 福海
    size_t which = static_cast<size_t>(k_ / 4 % 4);
    street = kParkStreets[which];
    f_.street = kStreets[street].name;
    f_.street_code.s = std::string(kStreets[street].code);
    park = static_cast<Park>(which);
  }
  f_.park = kParkNames[park];
  const Street& st = kStreets[street];
  f_.lon = std::llround((st.lon + st.spread * rng_.normal()) * 1e6);
  f_.lat = std::llround((st.lat + st.spread * 0.9 * rng_.normal()) * 1e6);
}

// Founding date (skewed to recent years) and company type.
void Draw::founding() {
  const int32_t data_day = day(2025, 6, 30);
  int32_t age_days = static_cast<int32_t>(-std::log(1 - rng_.uniform()) * 7.0 * 365);
  if (head_) age_days = static_cast<int32_t>(rng_.range(20 * 365, 32 * 365));
  if (giant_) age_days = static_cast<int32_t>(rng_.range(8 * 365, 22 * 365));
  if (attracted_) age_days = static_cast<int32_t>(rng_.range(6 * 365, 18 * 365));
  f_.founded = std::max(day(1985, 1, 1), data_day - age_days);
  founded_year_ = year_of(f_.founded);
  size_t ctype = pick_weighted(rng_, kCompanyTypeWeights);
  if (flagship_) ctype = head_ || (attracted_ && attract_kind_ == 3) ? 1 : 0;
  f_.company_type = kCompanyTypes[ctype];
  f_.legal_person = (ctype == 2 || ctype == 3 || ctype == 8) ? 0 : 1;
  f_.holding = ctype == 6   ? "国有"
               : ctype == 7 ? "集体"
               : ctype == 4 ? "外资"
               : ctype == 5 ? "港澳台"
                            : "民营";
  f_.status = rng_.chance(0.985) ? "在营" : rng_.chance(0.7) ? "停业" : "清算中";
  if (flagship_) f_.status = "在营";
}

// Staff and revenue (log-normal by industry) and growth 2022→2024.
void Draw::revenue() {
  double staff_median = 4, rpe_median = 20 * kWan, trend = 0.03;
  switch (letter_) {
    case 'C':
      staff_median = 15, rpe_median = 30 * kWan, trend = 0.04;
      break;
    case 'F':
      staff_median = 4, rpe_median = 90 * kWan, trend = 0.02;
      break;
    case 'I':
      staff_median = 8, rpe_median = 45 * kWan, trend = 0.08;
      break;
    case 'M':
      staff_median = 7, rpe_median = 30 * kWan, trend = 0.06;
      break;
    case 'E':
      staff_median = 10, rpe_median = 50 * kWan, trend = -0.02;
      break;
    case 'G':
      staff_median = 7, rpe_median = 60 * kWan, trend = 0.05;
      break;
    case 'H':
      staff_median = 7, rpe_median = 12 * kWan, trend = 0.05;
      break;
    case 'K':
      staff_median = 6, rpe_median = 100 * kWan, trend = -0.08;
      break;
    case 'J':
      staff_median = 5, rpe_median = 80 * kWan, trend = 0.0;
      break;
    case 'L':
      staff_median = 4, rpe_median = 30 * kWan, trend = 0.03;
      break;
    default:
      break;
  }
  staff_ = std::max(1.0, std::round(rng_.lognormal(staff_median, 1.2)));
  double rpe = rng_.lognormal(rpe_median, 0.8);
  if (head_) staff_ = static_cast<double>(rng_.range(25000, 60000)), rpe = 0;
  if (giant_)
    staff_ = static_cast<double>(rng_.range(200, 1500)), rpe = rng_.lognormal(80 * kWan, 0.3);
  if (attracted_)
    staff_ = static_cast<double>(rng_.range(150, 900)), rpe = rng_.lognormal(90 * kWan, 0.2);
  staff_ = std::min(staff_, 80000.0);
  double rev24 = staff_ * rpe;
  if (head_) {
    // k_ = 0 first passes 500亿 output in 2024, k_ = 1 passes 100亿, the
    // others are steady giants.
    static constexpr std::array<double, 4> kHeadRevenue = {520e8, 112e8, 1150e8, 260e8};
    rev24 = kHeadRevenue[static_cast<size_t>(k_ % 4)] * rng_.uniform(0.99, 1.01);
  }
  if (attracted_) rev24 = std::max(rev24, rng_.uniform(1.3e8, 6e8));
  if (attracted_ && attract_kind_ == 3) rev24 = std::max(rev24, rng_.uniform(6e8, 9e8));
  if (giant_kind_ == 0) rev24 = std::max(rev24, rng_.uniform(6.5e8, 9e8));
  if (giant_kind_ == 1) rev24 = rng_.uniform(1.3e8, 1.6e8);
  if (giant_kind_ == 2) rev24 = std::max(rev24, rng_.uniform(7e8, 9e8));
  shell_ = !flagship_ && rng_.chance(0.03);
  double firm_effect = rng_.normal() * 0.18;
  double g24 = trend + firm_effect + rng_.normal() * 0.14;
  double g23 = trend - 0.02 + 0.7 * firm_effect + rng_.normal() * 0.14;
  if (head_) g24 = k_ % 4 == 0 ? 0.09 : k_ % 4 == 1 ? 0.14 : 0.05, g23 = 0.06;
  if (attracted_ && attract_kind_ == 2) g24 = std::max(g24, std::log(rev24 / (rev24 - 1.05e8)));
  if (giant_kind_ == 1) g24 = g23 = 0.3;
  if (giant_kind_ == 2) g24 = 0.3, g23 = 0.05;
  std::array<double, kYears> rev = {rev24 / std::exp(g24 + g23), rev24 / std::exp(g24), rev24};
  for (int y = kFirstYear; y <= kLastYear; ++y) {
    size_t i = static_cast<size_t>(year_index(y));
    if (y < founded_year_)
      rev[i] = -1;  // did not exist
    else if (y == founded_year_)
      rev[i] *= rng_.uniform(0.15, 0.9);  // part of a year
    if (shell_ && rev[i] >= 0) rev[i] = rng_.chance(0.6) ? 0 : rng_.lognormal(8 * kWan, 1);
  }
  f_.staff = static_cast<int64_t>(staff_);
  f_.insured = static_cast<int64_t>(std::round(staff_ * rng_.uniform(0.6, 1.0)));
  for (size_t i = 0; i < kYears; ++i) f_.revenue[i] = rev[i] < 0 ? kNA : round_money(rev[i]);
}

// Profit, assets, R&D and taxes per year, derived from revenue.
void Draw::finance() {
  const double margin = rng_.normal() * 0.07 + 0.05;
  const double asset_ratio = rng_.lognormal(0.9, 0.6);
  const double vat_rate = rng_.lognormal(0.018, 0.5);
  const double leverage = rng_.uniform(0.2, 0.8);
  va_ratio_ = rng_.lognormal(0.24, 0.2);
  rd_active_ = flagship_ || rng_.chance(letter_ == 'C'   ? 0.45
                                        : letter_ == 'I' ? 0.65
                                        : letter_ == 'M' ? 0.6
                                                         : 0.04);
  intensity_ = 0;
  if (rd_active_) {
    double median = letter_ == 'I' ? 0.08 : letter_ == 'M' ? 0.06 : 0.035;
    intensity_ = std::min(0.5, rng_.lognormal(median, 0.7));
    if (flagship_) intensity_ = std::max(intensity_, 0.04);
  }
  hitech_ = false;
  if (rd_active_ && tech_)
    hitech_ = rng_.chance(0.17 + std::min(0.25, intensity_ * 2));
  else if (rd_active_)
    hitech_ = rng_.chance(0.05);
  if (giant_ || head_ || attracted_) hitech_ = true;
  for (size_t i = 0; i < kYears; ++i) {
    if (f_.revenue[i] == kNA) {
      f_.profit[i] = f_.assets[i] = f_.liabilities[i] = f_.rd[i] = f_.tax[i] = f_.vat[i] =
          f_.cit[i] = kNA;
      continue;
    }
    double r = static_cast<double>(f_.revenue[i]);
    double p = r * (margin + rng_.normal() * 0.03);
    f_.profit[i] = round_money(p);
    double a = r * asset_ratio * rng_.lognormal(1, 0.08) + 30 * kWan;
    f_.assets[i] = round_money(a);
    f_.liabilities[i] = round_money(a * leverage);
    f_.rd[i] = round_money(r * intensity_ * rng_.lognormal(1, 0.15));
    double cit_rate = hitech_ ? 0.15 : (r < 5000 * kWan ? 0.05 : 0.25);
    f_.cit[i] = p > 0 ? round_money(p * cit_rate) : 0;
    f_.vat[i] = round_money(r * vat_rate * rng_.lognormal(1, 0.12));
    f_.tax[i] = f_.vat[i] + f_.cit[i] + round_money(r * 0.003 * rng_.lognormal(1, 0.3));
  }
}

// 四上 status with the real thresholds; statistics figures for 四上 firms.
void Draw::statistics() {
  const int64_t threshold = sishang_threshold(letter_, code_->code);
  bool in_db =
      f_.revenue[2] != kNA && f_.revenue[2] >= threshold && (threshold > 0 || f_.revenue[2] > 0);
  if (in_db && !flagship_ && rng_.chance(0.04)) in_db = false;  // not reported yet
  if (!in_db && f_.revenue[2] != kNA && f_.revenue[2] >= threshold * 8 / 10 && rng_.chance(0.15) &&
      f_.revenue[1] != kNA && f_.revenue[1] >= threshold)
    in_db = true;  // still in the database for the year
  f_.sishang = in_db;
  f_.sishang_kind = in_db ? sishang_kind(letter_, code_->code) : "非四上";
  f_.gsgy = in_db && (letter_ == 'B' || letter_ == 'C' || letter_ == 'D');
  if (in_db) {
    int first = kLastYear;
    for (int y = kLastYear - 1; y >= kFirstYear; --y) {
      int64_t r = f_.revenue[static_cast<size_t>(year_index(y))];
      if (r != kNA && r >= threshold)
        first = y;
      else
        break;
    }
    if (first == kFirstYear && founded_year_ < kFirstYear)
      first = static_cast<int>(std::max<int64_t>(founded_year_ + 1, kFirstYear - rng_.range(0, 8)));
    f_.first_in_year = first;
    for (int y = first; y <= kLastYear; ++y) {
      if (y < kFirstYear) continue;
      size_t i = static_cast<size_t>(year_index(y));
      if (f_.revenue[i] == kNA) continue;
      double r = static_cast<double>(f_.revenue[i]);
      f_.main_revenue[i] = round_money(r * rng_.uniform(0.86, 0.99));
      if (f_.gsgy == 1) {
        double out = static_cast<double>(f_.main_revenue[i]) * rng_.uniform(0.97, 1.08);
        if (head_) out = r * 1.0;
        f_.output[i] = round_money(out);
        f_.value_added[i] = round_money(out * va_ratio_ * rng_.lognormal(1, 0.05));
      }
    }
  }
  if (head_) {  // output thresholds crossed in 2024
    static constexpr std::array<double, 4> k2023 = {480e8, 96e8, 0, 0};
    if (k2023[static_cast<size_t>(k_ % 4)] > 0)
      f_.output[1] = round_money(k2023[static_cast<size_t>(k_ % 4)]);
  }
}

// 大中小微 from staff and revenue.
void Draw::classify_size() {
  f_.size = size_class(letter_, code_->code, f_.staff, f_.revenue[2], f_.assets[2]);
  sme_ = f_.size.data() != nullptr && f_.size != "大型";
}

// Qualifications, patents and emerging-industry fields.
void Draw::technology() {
  f_.rd_staff = rd_active_
                    ? std::max<int64_t>(1, std::llround(staff_ * std::min(0.6, intensity_ * 4)))
                    : (tech_ ? 0 : kNA);
  uint32_t q = 0;
  if (hitech_) {
    q |= kHighTech;
    int y = 2022 + static_cast<int>(pick_weighted(rng_, std::array<double, 3>{31, 33, 36}));
    if (giant_ && k_ == 0) y = 2024;
    f_.hitech_on = day(y, 10, 1) + static_cast<int32_t>(rng_.range(0, 85));
    int first = y;
    if (rng_.chance(0.55) && founded_year_ + 1 <= y - 3) first = y - 3;
    if (first != y && rng_.chance(0.4) && founded_year_ + 1 <= y - 6) first = y - 6;
    f_.hitech_first_year = first;
    f_.cert_no.s = fmt::format("GR{}442{:05d}", y, rng_.range(0, 12000));
    f_.cert_renamed = rng_.chance(0.02) ? 1 : 0;
    if (flagship_) f_.cert_renamed = 0;
  }
  for (size_t i = 0; i < kYears; ++i) {
    if (f_.revenue[i] == kNA) continue;
    double r = static_cast<double>(f_.revenue[i]);
    if (hitech_)
      f_.hitech_revenue[i] = round_money(r * rng_.uniform(0.55, 0.95));
    else if (rd_active_ && tech_ && rng_.chance(0.6))
      f_.hitech_revenue[i] = round_money(r * rng_.uniform(0.05, 0.75));
  }
  rev_now_ = f_.revenue[2] == kNA ? 0 : static_cast<double>(f_.revenue[2]);
  int64_t assets_now = f_.assets[2] == kNA ? 0 : f_.assets[2];
  if (rd_active_ && staff_ <= 500 && rev_now_ <= 2e8 && assets_now <= 2 * kYi &&
      rng_.chance(hitech_ ? 0.5 : 0.2))
    q |= kTechSme;
  bool innovative = rd_active_ && staff_ < 1000 && rng_.chance(hitech_ ? 0.3 : 0.06);
  if (giant_) innovative = true;
  if (innovative) q |= kInnovativeSme;
  bool provincial = innovative && rev_now_ >= 1000 * kWan && rng_.chance(0.12);
  if (giant_) provincial = true;
  if (provincial) {
    q |= kProvincialSrdi;
    static constexpr std::array<double, 6> kW = {8, 10, 14, 18, 22, 28};  // 2019..2024
    f_.srdi_year = 2019 + static_cast<int64_t>(pick_weighted(rng_, kW));
    if (f_.srdi_year <= founded_year_) f_.srdi_year = std::min(2024, founded_year_ + 2);
  }
  if (giant_) {
    q |= kLittleGiant;
    f_.giant_year = 2024 - k_ % 6;
    f_.srdi_year = std::min<int64_t>(f_.srdi_year, f_.giant_year - 1 - k_ % 2);
    if (k_ % 10 == 3) q |= kChampion;
  }
  if (head_) q |= kChampion | kHeadquarters | kBackbone | kTechCentre | kSmartFactory;
  double growth = (f_.revenue[1] != kNA && f_.revenue[1] > 0 && f_.revenue[2] != kNA)
                      ? static_cast<double>(f_.revenue[2]) / static_cast<double>(f_.revenue[1])
                      : 1;
  if (hitech_ && growth > 1.2 && rng_.chance(0.3)) q |= kGazelle;
  if (attracted_ && attract_kind_ == 2 && k_ % 8 == 2) q |= kUnicorn;
  if (letter_ == 'C') {
    if (rng_.chance(rev_now_ > 1e8 ? 0.12 : 0.004)) q |= kGreenFactory;
    if (rng_.chance(rev_now_ > 5e7 ? 0.06 : 0.001)) q |= kSmartFactory;
    if (rng_.chance(0.015)) q |= kDigitalWorkshop;
  }
  if (rd_active_ && rng_.chance(rev_now_ > 1e8 ? 0.2 : 0.002)) q |= kTechCentre;
  if (rd_active_ && rng_.chance(0.01)) q |= kEngineeringCentre;
  if (rng_.chance(rev_now_ > 1e8 ? 0.03 : 0.002)) q |= kKnownBrand;
  if (rev_now_ > 5e8 && rng_.chance(0.2)) q |= kHeadquarters;
  if ((code_->emerging != 0) && rev_now_ > 1e9 && rng_.chance(0.3)) q |= kBackbone;

  // Patents grow with staff_ and R&D.
  if (rd_active_) {
    double scale = std::log1p(staff_ / 15.0) * (1 + intensity_ * 10);
    f_.inventions = static_cast<int64_t>(rng_.lognormal(1.2 * scale, 0.9));
    f_.utility = static_cast<int64_t>(rng_.lognormal(3.0 * scale, 0.8));
    f_.designs = static_cast<int64_t>(rng_.lognormal(0.8 * scale, 1.0));
    f_.software = letter_ == 'I' ? static_cast<int64_t>(rng_.lognormal(6 * scale, 0.7))
                                 : static_cast<int64_t>(rng_.lognormal(0.6 * scale, 1.0));
    f_.pct = rng_.chance(0.15) ? static_cast<int64_t>(rng_.lognormal(0.5 * scale, 1.0)) : 0;
    for (size_t i = 0; i < kYears; ++i)
      f_.patents_granted[i] =
          static_cast<int64_t>(static_cast<double>(f_.inventions) * rng_.uniform(0.05, 0.3));
  } else {
    f_.inventions = rng_.chance(0.02) ? rng_.range(1, 3) : 0;
    f_.utility = rng_.chance(0.06) ? rng_.range(1, 8) : 0;
    f_.designs = rng_.chance(0.05) ? rng_.range(1, 5) : 0;
    f_.software = rng_.chance(0.04) ? rng_.range(1, 6) : 0;
    f_.pct = 0;
    for (auto& p : f_.patents_granted) p = 0;
  }
  if (f_.inventions >= 10 && rng_.chance(0.25)) q |= kIpAdvantage;
  f_.quals.bits = q;

  emerging_ = 0;
  if (code_->emerging != 0 && (flagship_ || rng_.chance(rd_active_ ? 0.85 : 0.5)))
    emerging_ = code_->emerging;
  f_.emerging.bits = emerging_;
}

// Tax credit grade and the dishonesty and abnormality lists.
void Draw::credit() {
  const bool young = f_.founded > day(2024, 1, 1);
  if (young && rng_.chance(0.7))
    f_.credit = "M";
  else if (f_.revenue[2] == 0)
    f_.credit = "M";
  else
    f_.credit = kCredit[pick_weighted(rng_, staff_ > 100 ? kCreditLarge : kCreditSmall)];
  if (flagship_) f_.credit = "A";
  f_.severe = rng_.chance(0.006);
  f_.abnormal = rng_.chance(shell_ ? 0.25 : 0.025);
  f_.penalty = rng_.chance(0.01);
  f_.tax_owed = rng_.chance(0.015);
  if (flagship_) f_.severe = f_.abnormal = f_.penalty = f_.tax_owed = 0;
}

// Registered and paid-in capital.
void Draw::capital() {
  static constexpr std::array<double, 11> kCapitals = {10,  30,   50,   100,  200,  300,
                                                       500, 1000, 2000, 5000, 10000};
  static constexpr std::array<double, 11> kCapitalW = {6, 4, 10, 25, 8, 8, 14, 12, 5, 3, 1.5};
  double cap = rng_.chance(0.65) ? kCapitals[pick_weighted(rng_, kCapitalW)] * kWan
                                 : std::max(1.0, std::round(rng_.lognormal(200, 1.3))) * kWan;
  if (rev_now_ > 5e8) cap = std::max(cap, 5000.0 * kWan);
  f_.capital = round_money(cap);
  if (rng_.chance(0.8))
    f_.paid_capital = round_money(cap * (rng_.chance(0.5) ? 1.0 : rng_.uniform(0, 1)));
}

// Firms that moved into the district, and when.
void Draw::moving() {
  bool moved = !flagship_ && rng_.chance(rev_now_ > 1e8 ? 0.08 : 0.02);
  if (giant_ && k_ % 8 == 0) moved = true;
  if (attracted_) moved = true;
  f_.moved = moved;
  if (moved) {
    int32_t lo = std::max(f_.founded + 180, day(2016, 1, 1));
    int32_t hi = day(2025, 5, 31);
    if (giant_ || attracted_) lo = day(2024, 1, 15), hi = day(2024, 11, 30);
    if (attracted_ && attract_kind_ == 3) lo = day(2022, 3, 1), hi = day(2023, 12, 31);
    f_.moved_on = lo < hi ? lo + static_cast<int32_t>(rng_.range(0, hi - lo)) : hi;
  }
}

// Listing, shareholding reform and listing tutoring.
void Draw::listing() {
  double p_listed = rev_now_ > 5e8 ? 0.12 : rev_now_ > 1e8 ? 0.025 : 0.0008;
  bool listed = rng_.chance(p_listed) || head_ || (attracted_ && attract_kind_ == 3);
  f_.listing = listed ? kListings[pick_weighted(rng_, kListingWeights)] : "未上市";
  if (listed && f_.listing == "未上市") f_.listing = "创业板";
  if (head_ || (attracted_ && attract_kind_ == 3))
    f_.listing = k_ % 2 == 0 ? "深交所主板" : "创业板";
  if (listed) {
    int32_t lo = std::max(f_.founded + 3 * 365, day(2005, 1, 1));
    f_.listed_on = lo + static_cast<int32_t>(rng_.range(0, std::max(0, day(2025, 3, 31) - lo)));
    if (f_.listing != "新三板") f_.company_type = "股份有限公司", f_.legal_person = 1;
  }
  if (!listed && f_.holding == "民营" && rev_now_ > 5000 * kWan && rng_.chance(0.035)) {
    int y = 2019 +
            static_cast<int>(pick_weighted(rng_, std::array<double, 7>{8, 10, 12, 14, 16, 22, 8}));
    f_.reformed_on =
        std::max(f_.founded + 365, day(y, 1, 1) + static_cast<int32_t>(rng_.range(0, 360)));
    f_.company_type = "股份有限公司";
    if (rng_.chance(0.45)) {
      f_.tutored_on = f_.reformed_on + static_cast<int32_t>(rng_.range(60, 700));
      f_.tutoring_market = rng_.chance(0.85) ? "境内" : "境外";
    }
  }
}

// Exports, loans, equity, fairs, standards, grants and R&D institutes.
void Draw::activities() {
  const bool exporter =
      (letter_ == 'C' && rng_.chance(0.35)) || (letter_ == 'F' && rng_.chance(0.25));
  const bool borrower = flagship_ || rng_.chance(letter_ == 'C' ? 0.45 : 0.3);
  const double loan_ratio = rng_.lognormal(0.15, 0.8);
  const double rate = rng_.uniform(0.032, 0.055);
  const bool exhibitor = rng_.chance(letter_ == 'C'   ? (exporter ? 0.12 : 0.04)
                                     : letter_ == 'F' ? 0.04
                                                      : 0.008);
  const bool equity_target = emerging_ != 0 && rd_active_ && rng_.chance(0.06);
  for (size_t i = 0; i < kYears; ++i) {
    if (f_.revenue[i] == kNA) {  // not founded yet: no activity that year
      f_.exports[i] = f_.unemployment[i] = f_.tech_invest[i] = f_.loans[i] = f_.interest[i] = 0;
      f_.insurance[i] = f_.guarantee[i] = f_.equity[i] = 0;
      f_.expo_main[i] = f_.expo_other[i] = f_.expo_count[i] = f_.expo_city[i] = 0;
      f_.std_intl[i] = f_.std_national[i] = f_.grant[i] = f_.patents_granted[i] = 0;
      continue;
    }
    double r = static_cast<double>(f_.revenue[i]);
    f_.exports[i] = exporter ? round_money(r * rng_.uniform(0.1, 0.8)) : 0;
    f_.unemployment[i] =
        round_money(static_cast<double>(f_.insured) * rng_.uniform(0.8, 1.05) * 9500 * 12 * 0.007);
    bool invests = letter_ == 'C' && r >= 2000 * kWan && rng_.chance(0.12);
    if (head_) invests = true;
    f_.tech_invest[i] = invests ? round_money(r * rng_.lognormal(0.05, 0.7)) : 0;
    if (invests) f_.local_share[i] = std::llround(rng_.uniform(0, 0.6) * 1000);
    f_.loans[i] = borrower ? round_money(r * loan_ratio * rng_.lognormal(1, 0.1)) : 0;
    f_.interest[i] =
        borrower ? round_money(static_cast<double>(f_.loans[i]) * rate * rng_.uniform(0.5, 1.0))
                 : 0;
    f_.insurance[i] =
        borrower && tech_ && rng_.chance(0.1) ? round_money(rng_.lognormal(5 * kWan, 0.8)) : 0;
    f_.guarantee[i] =
        borrower && sme_ && rng_.chance(0.15)
            ? round_money(static_cast<double>(f_.loans[i]) * rng_.uniform(0.005, 0.02))
            : 0;
    f_.equity[i] =
        equity_target && rng_.chance(0.45) ? round_money(rng_.lognormal(2500 * kWan, 1.1)) : 0;
    if (exhibitor && rng_.chance(0.75)) {
      f_.expo_main[i] = rng_.chance(0.6) ? round_money(rng_.uniform(2, 20) * kWan) : 0;
      f_.expo_count[i] = rng_.chance(0.8) ? rng_.range(1, 4) : 0;
      f_.expo_other[i] =
          round_money(static_cast<double>(f_.expo_count[i]) * rng_.uniform(3, 25) * kWan);
      f_.expo_city[i] =
          rng_.chance(0.3)
              ? round_money(static_cast<double>(f_.expo_other[i]) * rng_.uniform(0.1, 0.3))
              : 0;
    } else {
      f_.expo_main[i] = f_.expo_other[i] = f_.expo_count[i] = f_.expo_city[i] = 0;
    }
    bool big_rd = rd_active_ && r >= 5000 * kWan;
    f_.std_national[i] = big_rd && rng_.chance(0.04) ? rng_.range(1, 2) : 0;
    f_.std_intl[i] = big_rd && rng_.chance(0.006) ? 1 : 0;
    f_.grant[i] = 0;
    if (rd_active_ && rng_.chance(0.015)) {
      size_t kind = pick_weighted(rng_, kGrantWeights);
      static constexpr std::array<double, 7> kGrantMedian = {0,      500e4, 200e4, 80e4,
                                                             1000e4, 50e4,  300e4};
      f_.grant[i] = round_money(rng_.lognormal(kGrantMedian[kind], 0.6));
      f_.grant_kind = kGrantKinds[kind];
    }
  }
  if (f_.grant_kind.data() == nullptr) f_.grant_kind = "无";
  f_.first_loan = borrower ? (rng_.chance(0.1) ? 1 : 0) : 0;
  f_.fund_backed = equity_target && rng_.chance(0.2) ? 1 : 0;
  f_.contest = rd_active_ && rng_.chance(0.01) ? 1 : 0;

  // R&D institutes: big manufacturers more often, recently.
  f_.institute_level = "无";
  double main_now = f_.main_revenue[2] == kNA ? 0 : static_cast<double>(f_.main_revenue[2]);
  if (rd_active_ && rng_.chance(main_now >= 5e8 ? 0.5 : rev_now_ > 1e8 ? 0.15 : 0.005)) {
    f_.institute_level =
        kInstituteLevels[1 + pick_weighted(rng_, std::array<double, 4>{40, 35, 20, 5})];
    int y = 2016 + static_cast<int>(
                       pick_weighted(rng_, std::array<double, 9>{4, 4, 5, 6, 7, 8, 10, 12, 20}));
    f_.institute_on = day(y, 1, 1) + static_cast<int32_t>(rng_.range(0, 360));
  }
  if (giant_kind_ == 0)
    f_.institute_level = "市级",
    f_.institute_on = day(2024, 3, 1) + static_cast<int32_t>(rng_.range(0, 270));
}

// Leased or owned space, rent, park operators.
void Draw::space() {
  const bool owns = !attracted_ && rev_now_ > 3e8 && rng_.chance(0.3);
  double area_per_staff = letter_ == 'C' ? 25 : letter_ == 'G' ? 40 : 8;
  double area = std::round(rng_.lognormal(std::max(20.0, staff_ * area_per_staff), 0.5));
  f_.office_area = std::llround(area * 10);
  if (owns) {
    f_.building_type = "自有物业";
  } else {
    double u = rng_.uniform();
    if (letter_ == 'C')
      f_.building_type = u < 0.6 ? "M1" : u < 0.85 ? "普通工业" : "M0";
    else if (letter_ == 'I' || letter_ == 'M')
      f_.building_type = u < 0.3 ? "M0" : "商业办公";
    else if (letter_ == 'G')
      f_.building_type = u < 0.8 ? "仓储物流" : "商业办公";
    else
      f_.building_type = "商业办公";
    f_.lease_area = std::llround(area * rng_.uniform(0.8, 1.0) * 10);
    double price = f_.building_type == "M1" || f_.building_type == "普通工业" ? rng_.uniform(22, 45)
                   : f_.building_type == "M0"                                 ? rng_.uniform(50, 95)
                   : f_.building_type == "仓储物流"                           ? rng_.uniform(30, 55)
                                                    : rng_.uniform(60, 150);
    f_.rent = std::llround(price * 10);
    int32_t start = day(2025, 6, 30) - static_cast<int32_t>(rng_.range(30, 6 * 365));
    if (f_.founded > start) start = f_.founded;
    f_.lease_start = start;
    f_.lease_filed = rng_.chance(0.7) ? 1 : 0;
  }
  f_.own_let = owns && rng_.chance(0.2) ? 1 : (rng_.chance(0.01) ? 1 : 0);

  // Park operators.
  f_.park_operator = code_->code == "7221" ? 1 : 0;
  if (f_.park_operator == 1) {
    f_.park_area = std::llround(rng_.lognormal(5e4, 0.7));
    f_.park_density = std::llround(rng_.lognormal(1.8e4, 0.5));
    for (size_t i = 0; i < kYears; ++i)
      f_.renovation[i] = rng_.chance(0.2) ? round_money(rng_.lognormal(800 * kWan, 0.8)) : 0;
  }
}

// Rankings from revenue (and output) thresholds, with the year first crossed.
void Draw::rankings() {
  {
    uint32_t r = 0;
    int first_year = 0;
    auto crossed = [&](const Series& s, double bar) {
      int first = 0;
      for (int y = kFirstYear; y <= kLastYear; ++y) {
        int64_t v = s[static_cast<size_t>(year_index(y))];
        if (v != kNA && static_cast<double>(v) >= bar) {
          if (first == 0) first = y;
        } else {
          first = 0;
        }
      }
      return first;
    };
    static constexpr std::array<double, 4> kRankRevenue = {2100e8, 480e8, 120e8, 35e8};
    for (size_t i = 0; i < kRankRevenue.size(); ++i) {
      int y = crossed(f_.revenue, kRankRevenue[i]);
      if (y != 0) {
        r |= 1u << i;
        if (first_year == 0) first_year = y;
      }
    }
    if (f_.gsgy == 1) {
      int y = crossed(f_.output, 20e8);
      if (y != 0) {
        r |= 1u << 4;
        if (first_year == 0) first_year = y;
      }
    }
    f_.ranks.bits = r;
    if (r != 0)
      f_.rank_year = first_year == kFirstYear ? kFirstYear - rng_.range(0, 3) : first_year;
  }
}

// Names, people, addresses, bank account.
void Draw::people() {
  identity(rng_, f_, *code_, letter_);
  f_.account_ok = rng_.chance(f_.sishang == 1 || hitech_ ? 0.8 : 0.55) ? 1 : 0;
  if (flagship_) f_.account_ok = 1;
}

// Gaps: data that real sources lack, at realistic rates.
void Draw::gaps() {
  if (!flagship_) {
    auto gap = [&](double p) { return rng_.chance(p); };
    for (size_t i = 0; i < kYears; ++i) {
      if (gap(i == 2 ? 0.04 : 0.025)) {  // no tax filing on record
        f_.revenue[i] = f_.profit[i] = f_.assets[i] = f_.liabilities[i] = f_.tax[i] = f_.vat[i] =
            f_.cit[i] = kNA;
      }
      if (gap(0.05)) f_.rd[i] = kNA;
      if (gap(0.03)) f_.exports[i] = kNA;
      if (gap(0.04)) f_.loans[i] = f_.interest[i] = kNA;
      if (gap(0.02)) f_.unemployment[i] = kNA;
      if (gap(0.03)) f_.tech_invest[i] = kNA;
      if (gap(0.01)) f_.std_national[i] = f_.std_intl[i] = kNA;
      if (gap(0.03)) f_.hitech_revenue[i] = kNA;
      if (gap(0.02)) f_.expo_main[i] = f_.expo_other[i] = kNA;
    }
    if (gap(0.03)) f_.staff = kNA;
    if (gap(0.02)) f_.insured = kNA;
    if (gap(0.03)) f_.credit = {};
    if (gap(0.005)) f_.severe = -1;
    if (gap(0.005)) f_.abnormal = -1;
    if (gap(0.001)) f_.quals.na = true;
    if (gap(0.01)) f_.emerging.na = true;
    if (gap(0.015)) f_.tax_reg = {};
    if (gap(0.02)) f_.stat_reg = {};
    if (gap(0.002)) f_.reg = {};
    if (gap(0.01)) f_.industry_code.na = f_.industry_name.na = true;
    if (gap(0.003)) f_.letter = {};
    if (gap(0.01)) f_.capital = kNA;
    if (gap(0.02)) f_.lon = f_.lat = kNA;
    if (gap(0.02)) f_.community.na = true;
    if (gap(0.03)) f_.holding = {};
    if (gap(0.03)) f_.legal_phone.na = true;
    if (gap(0.05)) f_.hitech_on = kNoDate;
    if (gap(0.04)) f_.lease_filed = -1;
    if (gap(0.06)) f_.rd_staff = kNA;
  }
  if (f_.size.data() != nullptr && f_.revenue[2] == kNA) f_.size = {};
}

void identity(Rng& rng, Firm& f, const IndustryCode& code, char letter) {
  static constexpr std::array<std::string_view, 19> kLetterNames = {
      "A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
      "K", "L", "M", "N", "O", "P", "Q", "R", "S"};
  f.letter = kLetterNames[static_cast<size_t>(letter - 'A')];
  f.industry_code.s = std::string(code.code);
  f.industry_name.s = std::string(code.name);
  size_t reg = 0;
  for (size_t i = 0; i < kDistricts.size(); ++i)
    if (kDistricts[i] == f.reg) reg = i;
  f.uscc.s = make_uscc(f.id, kDistrictCodes[reg], f.founded >= day(2016, 1, 1));

  // Name: 深圳市 + two brand characters + trade word + suffix by type.
  std::string brand;
  for (int i = 0; i < 2; ++i)
    brand += cjk_at(kBrandChars, static_cast<size_t>(rng.range(0, cjk_count(kBrandChars) - 1)));
  std::string_view word = name_word(rng, letter, code.group);
  std::string& n = f.name.s;
  std::string_view type = f.company_type;
  if (type == "外商投资企业" || type == "港澳台投资企业") {
    n = brand + std::string(word) + "（深圳）有限公司";
  } else {
    n = "深圳市" + brand + std::string(word);
    if (type == "股份有限公司")
      n += "股份有限公司";
    else if (type == "个人独资企业")
      n += rng.chance(0.5) ? "商行" : "经营部";
    else if (type == "合伙企业")
      n += "企业（有限合伙）";
    else if (type == "分公司")
      n += "有限公司宝安分公司";
    else
      n += "有限公司";
  }

  f.legal.s = make_person(rng);
  f.legal_id.s = make_id_number(rng, static_cast<int>(rng.range(1960, 1998)));
  f.legal_phone.s = make_phone(rng);
  if (rng.chance(0.85)) {
    if (rng.chance(0.3)) {
      f.agent.s = f.legal.s;
      f.agent_phone.s = f.legal_phone.s;
    } else {
      f.agent.s = make_person(rng);
      f.agent_phone.s = make_phone(rng);
    }
  } else {
    f.agent.na = f.agent_phone.na = true;  // no handler registered on the platform
  }

  size_t street = 0;
  for (size_t i = 0; i < kStreets.size(); ++i)
    if (kStreets[i].name == f.street) street = i;
  const auto& communities = kCommunities[street];
  std::string_view community =
      communities[static_cast<size_t>(rng.range(0, communities.size() - 1))];
  f.community.s = std::string(community) + "社区";
  const auto& roads = kRoads[street];
  std::string_view road = roads[static_cast<size_t>(rng.range(0, roads.size() - 1))];
  if (f.reg == "宝安区") {
    f.address.s =
        fmt::format("深圳市宝安区{}街道{}社区{}{}号", f.street, community, road, rng.range(1, 399));
    if (rng.chance(0.6))
      f.address.s += fmt::format("{}栋{}", rng.range(1, 12), rng.range(101, 1208));
  } else if (f.reg == "深圳市外") {
    f.address.s = fmt::format("广州市天河区{}路{}号", rng.chance(0.5) ? "天河" : "黄埔大道",
                              rng.range(1, 500));
  } else {
    f.address.s = fmt::format("深圳市{}{}号", f.reg, rng.range(1, 800));
  }
  f.bank.s = std::string(kBanks[static_cast<size_t>(rng.range(0, kBanks.size() - 1))]);
  f.account.s = fmt::format("6999{:012d}", rng.range(0, 999999999999LL));
}

// ------------------------------------------------------------------ columns

enum class Slot : uint8_t { kScalar, kSeries, kDate, kFlag, kEnum, kText, kSet };

struct Binding {
  std::string_view name;
  Slot slot;
  int scale = 0;  // decimal places of a number's int64 mantissa
  int64_t Firm::*scalar = nullptr;
  Series Firm::*series = nullptr;
  int32_t Firm::*date = nullptr;
  int8_t Firm::*flag = nullptr;
  std::string_view Firm::*enumv = nullptr;
  Text Firm::*text = nullptr;
  SetValue Firm::*set = nullptr;
  std::span<const std::string_view> members;
};

Binding scalar(std::string_view n, int64_t Firm::*m, int scale = 0) {
  Binding b{n, Slot::kScalar};
  b.scalar = m;
  b.scale = scale;
  return b;
}
Binding series(std::string_view n, Series Firm::*m, int scale = 0) {
  Binding b{n, Slot::kSeries};
  b.series = m;
  b.scale = scale;
  return b;
}
Binding date(std::string_view n, int32_t Firm::*m) {
  Binding b{n, Slot::kDate};
  b.date = m;
  return b;
}
Binding flag(std::string_view n, int8_t Firm::*m) {
  Binding b{n, Slot::kFlag};
  b.flag = m;
  return b;
}
Binding enumv(std::string_view n, std::string_view Firm::*m) {
  Binding b{n, Slot::kEnum};
  b.enumv = m;
  return b;
}
Binding text(std::string_view n, Text Firm::*m) {
  Binding b{n, Slot::kText};
  b.text = m;
  return b;
}
Binding set(std::string_view n, SetValue Firm::*m, std::span<const std::string_view> members) {
  Binding b{n, Slot::kSet};
  b.set = m;
  b.members = members;
  return b;
}

const std::vector<Binding>& bindings() {
  static const std::vector<Binding> kBindings = {
      text("统一社会信用代码", &Firm::uscc),
      text("企业名称", &Firm::name),
      enumv("企业类型", &Firm::company_type),
      flag("独立法人", &Firm::legal_person),
      enumv("控股类型", &Firm::holding),
      enumv("经营状态", &Firm::status),
      text("法定代表人", &Firm::legal),
      text("法定代表人身份证号", &Firm::legal_id),
      text("法人手机", &Firm::legal_phone),
      text("经办人", &Firm::agent),
      text("经办人手机", &Firm::agent_phone),
      text("注册地址", &Firm::address),
      enumv("街道", &Firm::street),
      text("街道代码", &Firm::street_code),
      text("社区", &Firm::community),
      enumv("园区", &Firm::park),
      scalar("经度", &Firm::lon, 6),
      scalar("纬度", &Firm::lat, 6),
      date("成立日期", &Firm::founded),
      scalar("注册资本", &Firm::capital),
      scalar("实缴资本", &Firm::paid_capital),
      enumv("注册地", &Firm::reg),
      enumv("税收户管地", &Firm::tax_reg),
      enumv("统计关系", &Firm::stat_reg),
      enumv("经营地", &Firm::op_reg),
      flag("迁入企业", &Firm::moved),
      date("迁入日期", &Firm::moved_on),
      flag("四上企业", &Firm::sishang),
      enumv("四上类别", &Firm::sishang_kind),
      flag("规上工业", &Firm::gsgy),
      scalar("首次入规年份", &Firm::first_in_year),
      enumv("行业门类", &Firm::letter),
      text("行业代码", &Firm::industry_code),
      text("行业名称", &Firm::industry_name),
      set("战略性新兴产业", &Firm::emerging, kEmergingNames),
      enumv("企业规模", &Firm::size),
      scalar("从业人数", &Firm::staff),
      scalar("参保人数", &Firm::insured),
      scalar("研发人员数", &Firm::rd_staff),
      series("营业收入", &Firm::revenue),
      series("主营业务收入", &Firm::main_revenue),
      series("工业总产值", &Firm::output),
      series("工业增加值", &Firm::value_added),
      series("利润总额", &Firm::profit),
      series("资产总额", &Firm::assets),
      series("负债总额", &Firm::liabilities),
      series("研发费用", &Firm::rd),
      series("高新技术产品收入", &Firm::hitech_revenue),
      series("纳税总额", &Firm::tax),
      series("增值税", &Firm::vat),
      series("企业所得税", &Firm::cit),
      series("出口额", &Firm::exports),
      series("失业保险缴费额", &Firm::unemployment),
      series("技术改造设备投资额", &Firm::tech_invest),
      series("本区采购设备占比", &Firm::local_share, 3),
      series("贷款余额", &Firm::loans),
      series("贷款利息支出", &Firm::interest),
      flag("首次贷款", &Firm::first_loan),
      series("科技保险费", &Firm::insurance),
      series("担保费", &Firm::guarantee),
      series("获得股权投资额", &Firm::equity),
      flag("引导基金投资", &Firm::fund_backed),
      series("宝博会智博会展位费", &Firm::expo_main),
      series("其他展会展位费", &Firm::expo_other),
      series("参展展会数", &Firm::expo_count),
      series("市级展会资助", &Firm::expo_city),
      series("上级科技资助金额", &Firm::grant),
      enumv("上级科技资助类别", &Firm::grant_kind),
      enumv("研发机构级别", &Firm::institute_level),
      date("研发机构成立日期", &Firm::institute_on),
      flag("创新创业大赛获奖", &Firm::contest),
      series("主导制定国际标准数", &Firm::std_intl),
      series("主导制定国家标准数", &Firm::std_national),
      series("发明专利授权数", &Firm::patents_granted),
      enumv("纳税信用等级", &Firm::credit),
      flag("严重失信", &Firm::severe),
      flag("经营异常", &Firm::abnormal),
      flag("重大行政处罚", &Firm::penalty),
      flag("欠税", &Firm::tax_owed),
      set("资质", &Firm::quals, kQualNames),
      date("高新技术企业认定日期", &Firm::hitech_on),
      scalar("高新技术企业首次认定年份", &Firm::hitech_first_year),
      text("高新技术企业证书编号", &Firm::cert_no),
      flag("高企证书更名换发", &Firm::cert_renamed),
      scalar("专精特新认定年份", &Firm::srdi_year),
      scalar("小巨人认定年份", &Firm::giant_year),
      scalar("发明专利数", &Firm::inventions),
      scalar("实用新型专利数", &Firm::utility),
      scalar("外观设计专利数", &Firm::designs),
      scalar("软件著作权数", &Firm::software),
      scalar("PCT专利申请数", &Firm::pct),
      enumv("上市状态", &Firm::listing),
      date("上市日期", &Firm::listed_on),
      date("股份制改造完成日期", &Firm::reformed_on),
      date("上市辅导备案日期", &Firm::tutored_on),
      enumv("辅导上市地", &Firm::tutoring_market),
      scalar("租赁厂房面积", &Firm::lease_area, 1),
      enumv("厂房类型", &Firm::building_type),
      date("租赁起始日期", &Firm::lease_start),
      flag("租赁合同备案", &Firm::lease_filed),
      scalar("月租金单价", &Firm::rent, 1),
      flag("自有物业对外出租", &Firm::own_let),
      scalar("办公面积", &Firm::office_area, 1),
      flag("园区运营主体", &Firm::park_operator),
      scalar("运营园区面积", &Firm::park_area),
      scalar("园区地均产值", &Firm::park_density),
      series("园区整治投资额", &Firm::renovation),
      set("入选榜单", &Firm::ranks, kRankNames),
      scalar("榜单首次入选年份", &Firm::rank_year),
      flag("银行账户已确认", &Firm::account_ok),
      text("开户银行", &Firm::bank),
      text("银行账号", &Firm::account),
  };
  return kBindings;
}

const Binding* binding_of(std::string_view name) {
  static const std::unordered_map<std::string_view, const Binding*> kIndex = [] {
    std::unordered_map<std::string_view, const Binding*> m;
    for (const Binding& b : bindings()) m[b.name] = &b;
    return m;
  }();
  auto it = kIndex.find(name);
  return it == kIndex.end() ? nullptr : it->second;
}

struct Column {
  rules::AttrRef ref;
  Type type;
  const Binding* binding;
  size_t year = 0;  // index into a Series
};

std::vector<Column> plan_columns(const Catalog& catalog) {
  std::vector<Column> out;
  for (const portrait::Attribute& a : catalog.attributes()) {
    const Binding* b = binding_of(a.name);
    if (b == nullptr) continue;
    bool yearly = b->slot == Slot::kSeries;
    if (yearly != a.has_periods) continue;  // a catalog that disagrees: leave it out
    if (yearly) {
      for (int y = kFirstYear; y <= kLastYear; ++y)
        out.push_back(
            {{a.id, static_cast<int16_t>(y)}, a.type, b, static_cast<size_t>(year_index(y))});
    } else {
      out.push_back({{a.id, 0}, a.type, b, 0});
    }
  }
  return out;
}

void fill_number(FactCell& c, int64_t v, int scale) {
  if (v == kNA) {
    c.missing = true;
    return;
  }
  c.number = Decimal::from_parts(v, scale);
}

void fill(const Column& col, const Firm& f, FactCell& c) {
  c.ref = col.ref;
  c.type = col.type;
  c.missing = false;
  c.members.clear();
  const Binding& b = *col.binding;
  switch (b.slot) {
    case Slot::kScalar:
      fill_number(c, f.*b.scalar, b.scale);
      break;
    case Slot::kSeries:
      fill_number(c, (f.*b.series)[col.year], b.scale);
      break;
    case Slot::kDate:
      if (f.*b.date == kNoDate)
        c.missing = true;
      else
        c.date = f.*b.date;
      break;
    case Slot::kFlag:
      if (f.*b.flag < 0)
        c.missing = true;
      else
        c.boolean = f.*b.flag == 1;
      break;
    case Slot::kEnum:
      if ((f.*b.enumv).data() == nullptr)
        c.missing = true;
      else
        c.text = f.*b.enumv;
      break;
    case Slot::kText: {
      const Text& t = f.*b.text;
      if (t.na)
        c.missing = true;
      else
        c.text = t.s;
      break;
    }
    case Slot::kSet: {
      const SetValue& s = f.*b.set;
      if (s.na) {
        c.missing = true;
        break;
      }
      for (size_t i = 0; i < b.members.size(); ++i)
        if (s.bits & (1u << i)) c.members.push_back(b.members[i]);
      break;
    }
  }
}

}  // namespace

int32_t demo_today() {
  return day(2026, 11, 27);
}

std::span<const Street> streets() {
  return kStreets;
}

std::vector<rules::AttrRef> generated_columns(const Catalog& catalog) {
  std::vector<rules::AttrRef> out;
  for (const Column& c : plan_columns(catalog)) out.push_back(c.ref);
  return out;
}

Status generate(const Catalog& catalog, const GeneratorOptions& options,
                const portrait::RowSink& sink) {
  std::vector<Column> cols = plan_columns(catalog);
  std::vector<FactCell> cells(cols.size());
  Firm firm;
  for (int64_t id = 1; id <= options.n; ++id) {
    firm = Firm();
    Draw(options.seed, id, firm).run();
    for (size_t i = 0; i < cols.size(); ++i) fill(cols[i], firm, cells[i]);
    ZHIDA_TRY(sink(id, cells));
  }
  return Status::Ok();
}

Result<std::unique_ptr<portrait::EnterpriseTable>> generate_table(
    std::shared_ptr<const Catalog> catalog, const GeneratorOptions& options) {
  auto table = std::make_unique<portrait::EnterpriseTable>(catalog);
  table->reserve(static_cast<size_t>(std::max<int64_t>(0, options.n)));
  Status st = generate(*catalog, options, [&](int64_t id, std::span<const FactCell> cells) {
    return portrait::apply_row(*table, id, cells);
  });
  if (!st.ok()) return st.error();
  table->optimize();
  return table;
}

std::string csv_header(const Catalog& catalog) {
  std::string out = "id:int";
  for (const Column& c : plan_columns(catalog)) {
    const portrait::Attribute* a = catalog.attribute(c.ref.attr);
    out += ',';
    out += a->name;
    if (c.ref.year != 0) out += fmt::format("[{}]", c.ref.year);
    out += ':';
    out += rules::type_name_en(a->type);
  }
  out += '\n';
  return out;
}

namespace {

void append_text(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "\"\"";
    return;
  }
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

}  // namespace

void append_csv_row(std::string& out, int64_t id, std::span<const FactCell> cells) {
  fmt::format_to(std::back_inserter(out), "{}", id);
  for (const FactCell& c : cells) {
    out += ',';
    if (c.missing) continue;
    switch (c.type) {
      case Type::kInt:
      case Type::kNumber:
      case Type::kMoney:
        if (c.number.scale() == 0) {
          if (auto v = c.number.to_int64()) {
            fmt::format_to(std::back_inserter(out), "{}", *v);
            break;
          }
        }
        out += c.number.to_string();
        break;
      case Type::kBool:
        out += c.boolean ? "true" : "false";
        break;
      case Type::kDate:
        out += format_date(c.date);
        break;
      case Type::kSet: {
        if (c.members.empty()) {
          out += "\"\"";
          break;
        }
        std::string joined;
        for (size_t i = 0; i < c.members.size(); ++i) {
          if (i) joined += '|';
          joined += c.members[i];
        }
        append_text(out, joined);
        break;
      }
      default:
        append_text(out, c.text);
        break;
    }
  }
  out += '\n';
}

char uscc_check_char(std::string_view first17) {
  if (first17.size() < 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    int v = uscc_value(first17[i]);
    if (v < 0) return '\0';
    sum += v * kUsccWeights[i];
  }
  int c = 31 - sum % 31;
  return kUsccChars[static_cast<size_t>(c == 31 ? 0 : c)];
}

bool uscc_valid(std::string_view code) {
  if (code.size() != 18) return false;
  char c = uscc_check_char(code.substr(0, 17));
  return c != '\0' && code[17] == c;
}

}  // namespace zhida::services::demo
