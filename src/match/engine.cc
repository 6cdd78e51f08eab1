#include "match/engine.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "rules/runtime/evaluator_impl.h"

namespace zhida::match {

using portrait::Bitmap;
using portrait::Column;
using portrait::ColumnKind;
using rules::CmpOp;
using rules::Instr;
using rules::Op;
using rules::Program;
using rules::Tri;
using rules::Value;

namespace {

constexpr size_t kBlockRows = 4096;
constexpr size_t kWords = kBlockRows / 64;

// ---------------------------------------------------------------- binding

// A program with each attribute instruction resolved to its column, run by
// the rules' own evaluator (evaluator_impl.h) one row at a time.
struct Bound {
  const Program* program = nullptr;
  std::vector<const Column*> cols;  // by instruction index; null: no such column

  Bound(const Program& p, const portrait::EnterpriseTable& t)
      : program(&p), cols(p.instrs().size(), nullptr) {
    for (size_t i = 0; i < p.instrs().size(); ++i) {
      const Instr& in = p.instrs()[i];
      if (in.op == Op::kAttr || in.op == Op::kSetContains) cols[i] = t.column(in.attr);
    }
  }
};

struct ColumnFacts {
  const Bound& b;
  size_t row;
  Value get(const Instr&, int32_t idx) const {
    const Column* c = b.cols[static_cast<size_t>(idx)];
    return c ? c->value(row) : Value::missing();
  }
  Tri set_contains(const Instr&, int32_t idx, std::string_view v) const {
    const Column* c = b.cols[static_cast<size_t>(idx)];
    return c ? c->set_contains(row, v) : Tri::kUnknown;
  }
};

Value eval_bound(const Bound& b, int32_t instr, size_t row, const rules::EvalContext& ctx) {
  ColumnFacts f{b, row};
  return rules::EvaluatorT<ColumnFacts>(*b.program, f, ctx).eval(instr);
}

// Award in fen: award_of() of the formula's value.
int64_t award_fen(const Bound& b, size_t row, const rules::EvalContext& ctx) {
  Decimal d = award_of(eval_bound(b, b.program->root(), row, ctx));
  return static_cast<int64_t>(d.rescaled_up(2).value_or(Decimal()).mantissa());
}

// ---------------------------------------------------------------- nodes

enum class Kind : uint8_t {
  kConst,  // a fixed truth value
  kNot,
  kAnd,
  kOr,
  kNumCmp,   // numeric column against an exact integer threshold on its mantissas
  kDateCmp,  // date column against a constant
  kTextIn,   // text column's value in a set of texts (or not, when negated)
  kBoolCol,  // bool column (negated: its opposite)
  kSetHas,   // set column holds a member
  kExists,   // column has a value (false where missing)
  kValid,    // true where the column has a value, unknown where missing
  kNever,    // false where the column has a value, unknown where missing
  kLinear,   // Σ k·x + k0  cmp  0, exact in int128
  kRatio,    // X / Y  cmp  C, by cross-multiplication, exact
  kGeneric,  // anything else: the rules evaluator, row by row
};

enum class NumOp : uint8_t { kGe, kLe, kEq, kNe };

// Σ mult·mantissa + k0 = value × 10^scale, for columns of known scale.
struct Linear {
  struct Term {
    const Column* col;
    int128_t mult;
  };
  std::vector<Term> terms;
  int128_t k0 = 0;
  int scale = 0;
};

struct Node {
  Kind kind = Kind::kConst;
  Tri constant = Tri::kUnknown;
  std::vector<uint32_t> kids;
  const Column* col = nullptr;
  bool negate = false;
  // kNumCmp
  NumOp num_op = NumOp::kGe;
  int64_t threshold = 0;
  // kDateCmp, kLinear, kRatio
  CmpOp cmp = CmpOp::kEq;
  int32_t date = 0;
  // kTextIn: per dictionary code, whether the text is in the set; and for
  // small dictionaries the codes whose row bitmaps to OR.
  std::vector<uint8_t> lut;
  std::vector<uint32_t> codes;
  const std::vector<Bitmap>* code_rows = nullptr;
  // kSetHas: the rows holding the member (dense; in the engine's Indexes)
  const Bitmap* member = nullptr;
  // kLinear: lhs cmp 0; kRatio: x / y cmp (c / 10^c_scale)
  Linear lhs, x, y;
  int128_t c = 0;
  int c_scale = 0;
  // kRatio, precomputed: x·mult_x against y·mult_c, exact while
  // |y| < y_limit and |x| < x_limit (see leaf_row).
  int128_t mult_x = 0, mult_c = 0, y_limit = 0, x_limit = 0;
  // kLinear: the multipliers as doubles, for a fast sign with an error bound
  std::vector<double> mult_d;
  double k0_d = 0;
  // kGeneric (and the exact fallback of kRatio)
  std::shared_ptr<const Bound> bound;
  int32_t instr = -1;
  // Estimated share of rows that are not false / that are true.
  double not_false = 1, is_true = 0;
};

// Bitmasks of one node for one block.
struct Masks {
  uint64_t t[kWords];
  uint64_t f[kWords];
  uint64_t done[kWords];  // rows computed so far in this block
};

int128_t p10(int n) {
  return pow10_i128(n);
}

bool overflow_mul(int128_t a, int128_t b, int128_t* out) {
  return __builtin_mul_overflow(a, b, out);
}

bool fits_int64(int128_t v) {
  return v >= INT64_MIN && v <= INT64_MAX;
}

// An award formula compiled to exact integer arithmetic: each value is an
// int128 at a scale known when planning (a column's mantissa brought to the
// node's scale, a constant's mantissa, sums at the larger scale, products by
// a constant at the summed scale). It computes exactly what the reference's
// Decimal operations compute as long as no scale passes 18 (checked when
// planning) and nothing overflows (checked per row: such a row falls back to
// the reference evaluator).
struct AwardOp {
  enum K : uint8_t { kConst, kCol, kAdd, kSub, kMulConst, kMin, kMax, kIf, kNeg, kAbs } k = kConst;
  int scale = 0;   // of this node's value
  int128_t c = 0;  // kConst: mantissa; kMulConst: the constant's mantissa
  const Column* col = nullptr;
  std::vector<int> kids;
  std::vector<int128_t> up;  // per kid: 10^(scale − kid's scale), to bring it to this scale
  uint32_t cond = 0;         // kIf: a leaf node of the plan
};

struct AwardProgram {
  std::vector<AwardOp> ops;
  int root = -1;
  bool fits64 = false;  // every constant and scale factor fits an int64
};

}  // namespace

// ---------------------------------------------------------------- the plan

// Row bitmaps built from the table — per dictionary code of a small text
// column, per member of a set column — are the same for every plan over the
// table: the engine keeps them, so a later plan (the sandbox's draft) finds
// them built. Thread-safe.
class Indexes {
 public:
  explicit Indexes(const portrait::EnterpriseTable& t) : t_(t) {}

  // Per code, the rows holding it; null for a column without an indexed
  // dictionary of at most 64 codes.
  const std::vector<Bitmap>* code_rows(const Column* col) {
    if (col->dict().size() > 64 || !col->dict().indexed()) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = code_rows_[col];
    if (!slot) {
      slot = std::make_unique<std::vector<Bitmap>>(col->dict().size(), Bitmap(t_.rows()));
      auto codes = col->codes();
      for (size_t r = 0; r < t_.rows(); ++r)
        if (col->is_valid(r)) (*slot)[codes[r]].set(r);
    }
    return slot.get();
  }

  // The rows of a set column holding `member`.
  const Bitmap* member(const Column* col, std::string_view member) {
    uint32_t code = col->dict().find(member);
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = members_[{col, std::string(member)}];
    if (!slot) {
      slot = std::make_unique<Bitmap>(t_.rows());
      if (code != portrait::Dictionary::kNone && code < col->dict().size())
        for (uint32_t r : col->members(code)) slot->set(r);
    }
    return slot.get();
  }

 private:
  const portrait::EnterpriseTable& t_;
  std::mutex mu_;
  std::map<const Column*, std::unique_ptr<std::vector<Bitmap>>> code_rows_;
  std::map<std::pair<const Column*, std::string>, std::unique_ptr<Bitmap>> members_;
};

class Plan {
 public:
  Plan(const portrait::EnterpriseTable& t, const rules::EvalContext& ctx, Indexes& indexes)
      : t_(t), ctx_(ctx), indexes_(indexes) {}

  std::vector<Node> nodes;
  std::vector<uint32_t> roots;                          // per policy
  std::vector<std::shared_ptr<const Bound>> awards;     // per policy (null: no award)
  std::vector<std::optional<int64_t>> const_award;      // per policy, when the award is a constant
  std::vector<std::optional<AwardProgram>> fast_award;  // per policy, when compiled
  EngineStats stats;

  // The award of a matching row, in fen (award_of semantics).
  int64_t award(size_t p, size_t row) const;

  uint32_t add_policy(const portrait::Policy& p) {
    uint32_t root = translate(*p.rule, p.rule->root(), std::make_shared<const Bound>(*p.rule, t_));
    roots.push_back(root);
    if (p.award) {
      auto b = std::make_shared<const Bound>(*p.award, t_);
      const Instr& r = p.award->instr(p.award->root());
      if (r.op == Op::kConst) {
        Decimal d = award_of(p.award->constant(r.constant));
        const_award.push_back(
            static_cast<int64_t>(d.rescaled_up(2).value_or(Decimal()).mantissa()));
      } else {
        const_award.push_back(std::nullopt);
      }
      fast_award.push_back(compile_award(*p.award, p.award->root(), b));
      awards.push_back(std::move(b));
    } else {
      awards.push_back(nullptr);
      const_award.push_back(int64_t{0});
      fast_award.push_back(std::nullopt);
    }
    return root;
  }

  // Orders the parts of and/or by estimated selectivity (from a sample).
  void finish();

  // Evaluates node n for block b (rows [begin, end)) into the scratch.
  struct Scratch {
    std::vector<Masks> masks;
    std::vector<uint32_t> stamp;  // block whose masks a node holds
    std::vector<uint32_t> full;   // block for which a node is computed for every row
    uint32_t block = 0;
  };
  // Evaluates node n for rows [begin, end) of a block, at least for the rows
  // in `care` (one bit per row, kWords words); returns its masks, valid for
  // every row computed so far (Masks::done).
  const Masks& eval(uint32_t n, size_t begin, size_t end, const uint64_t* care, Scratch& s) const;
  Tri eval_row(uint32_t n, size_t row, std::vector<uint8_t>& memo) const;
  Tri leaf_row(const Node& n, size_t row) const;

 private:
  uint32_t intern(Node node, const std::string& key) {
    if (!key.empty()) {
      auto it = keys_.find(key);
      if (it != keys_.end()) {
        ++stats.shared_uses;
        return it->second;
      }
    }
    nodes.push_back(std::move(node));
    uint32_t id = static_cast<uint32_t>(nodes.size() - 1);
    if (!key.empty()) keys_[key] = id;
    return id;
  }

  uint32_t constant(Tri t) {
    Node n;
    n.kind = Kind::kConst;
    n.constant = t;
    return intern(std::move(n), t == Tri::kTrue ? "T" : t == Tri::kFalse ? "F" : "U");
  }

  static std::string ref_key(const Column* c) {
    return c ? std::to_string(c->ref().attr) + "." + std::to_string(c->ref().year) : "-";
  }

  uint32_t generic(const std::shared_ptr<const Bound>& b, int32_t idx) {
    Node n;
    n.kind = Kind::kGeneric;
    n.bound = b;
    n.instr = idx;
    ++stats.generic_nodes;
    return intern(std::move(n), "");  // programs differ: no sharing
  }

  uint32_t translate(const Program& p, int32_t idx, const std::shared_ptr<const Bound>& b);
  std::optional<AwardProgram> compile_award(const Program& p, int32_t idx,
                                            const std::shared_ptr<const Bound>& b);
  int award_op(const Program& p, int32_t idx, const std::shared_ptr<const Bound>& b,
               AwardProgram& out);
  std::optional<int128_t> award_value(const AwardProgram& a, int op, size_t row,
                                      bool* overflow) const;
  template <class T>
  std::optional<T> award_flat(const AwardProgram& a, size_t row, bool* overflow) const;
  uint32_t translate_compare(const Program& p, int32_t idx, const std::shared_ptr<const Bound>& b);
  std::optional<Linear> linear(const Program& p, int32_t idx, bool* missing_column);
  uint32_t num_compare(const Column* col, CmpOp op, const Decimal& c);
  uint32_t text_in(const Column* col, const std::vector<std::string_view>& values, bool negate);
  const std::vector<Bitmap>* code_rows(const Column* col);

  const portrait::EnterpriseTable& t_;
  const rules::EvalContext& ctx_;
  std::unordered_map<std::string, uint32_t> keys_;
  Indexes& indexes_;
};

uint32_t Plan::translate(const Program& p, int32_t idx, const std::shared_ptr<const Bound>& b) {
  const Instr& in = p.instr(idx);
  auto kids = p.children(in);
  switch (in.op) {
    case Op::kConst:
      return constant(rules::truth_of(p.constant(in.constant)));
    case Op::kNot: {
      uint32_t k = translate(p, kids[0], b);
      Node n;
      n.kind = Kind::kNot;
      n.kids = {k};
      return intern(std::move(n), "!" + std::to_string(k));
    }
    case Op::kAnd:
    case Op::kOr: {
      Node n;
      n.kind = in.op == Op::kAnd ? Kind::kAnd : Kind::kOr;
      for (int32_t k : kids) n.kids.push_back(translate(p, k, b));
      std::vector<uint32_t> sorted = n.kids;
      std::sort(sorted.begin(), sorted.end());
      std::string key = in.op == Op::kAnd ? "&" : "|";
      for (uint32_t k : sorted) key += std::to_string(k) + ",";
      return intern(std::move(n), key);
    }
    case Op::kAttr: {  // a bool attribute as a condition
      const Column* col = b->cols[static_cast<size_t>(idx)];
      if (!col) return constant(Tri::kUnknown);
      if (col->kind() != ColumnKind::kBool) return generic(b, idx);
      Node n;
      n.kind = Kind::kBoolCol;
      n.col = col;
      return intern(std::move(n), "b" + ref_key(col));
    }
    case Op::kExists: {
      const Instr& x = p.instr(kids[0]);
      if (x.op != Op::kAttr) return generic(b, idx);
      const Column* col = b->cols[static_cast<size_t>(kids[0])];
      if (!col) return constant(Tri::kFalse);
      Node n;
      n.kind = Kind::kExists;
      n.col = col;
      return intern(std::move(n), "e" + ref_key(col));
    }
    case Op::kSetContains: {
      const Instr& x = p.instr(kids[0]);
      const Column* col = b->cols[static_cast<size_t>(idx)];
      if (!col) return constant(Tri::kUnknown);
      if (x.op != Op::kConst || col->kind() != ColumnKind::kSet) return generic(b, idx);
      const Value& v = p.constant(x.constant);
      if (v.is_missing()) return constant(Tri::kUnknown);
      std::string key = "s" + ref_key(col) + ":" + std::string(v.text);
      if (auto it = keys_.find(key); it != keys_.end()) {
        ++stats.shared_uses;
        return it->second;
      }
      Node n;
      n.kind = Kind::kSetHas;
      n.col = col;
      n.member = indexes_.member(col, v.text);
      return intern(std::move(n), key);
    }
    case Op::kInList: {
      const Instr& x = p.instr(kids[0]);
      if (x.op != Op::kAttr || in.operand_class != rules::Class::kText) return generic(b, idx);
      const Column* col = b->cols[static_cast<size_t>(kids[0])];
      if (!col) return constant(Tri::kUnknown);
      std::vector<std::string_view> values;
      for (size_t i = 1; i < kids.size(); ++i) {
        const Instr& e = p.instr(kids[i]);
        if (e.op != Op::kConst) return generic(b, idx);
        const Value& v = p.constant(e.constant);
        if (v.is_missing()) return generic(b, idx);  // a null in the list: rare, keep exact
        values.push_back(v.text);
      }
      return text_in(col, values, false);
    }
    case Op::kCompare:
      return translate_compare(p, idx, b);
    default:
      return generic(b, idx);
  }
}

uint32_t Plan::translate_compare(const Program& p, int32_t idx,
                                 const std::shared_ptr<const Bound>& b) {
  const Instr& in = p.instr(idx);
  auto kids = p.children(in);
  int32_t l = kids[0], r = kids[1];
  CmpOp op = in.cmp;
  // Constant on the right.
  if (p.instr(l).op == Op::kConst && p.instr(r).op != Op::kConst) {
    std::swap(l, r);
    op = rules::cmp_swap(op);
  }
  const Instr& li = p.instr(l);
  const Instr& ri = p.instr(r);
  bool right_const = ri.op == Op::kConst;
  if (right_const && p.constant(ri.constant).is_missing()) return constant(Tri::kUnknown);
  switch (in.operand_class) {
    case rules::Class::kText: {
      if (li.op != Op::kAttr || !right_const || (op != CmpOp::kEq && op != CmpOp::kNe))
        return generic(b, idx);
      const Column* col = b->cols[static_cast<size_t>(l)];
      if (!col) return constant(Tri::kUnknown);
      return text_in(col, {p.constant(ri.constant).text}, op == CmpOp::kNe);
    }
    case rules::Class::kBool: {
      if (li.op != Op::kAttr || !right_const) return generic(b, idx);
      const Column* col = b->cols[static_cast<size_t>(l)];
      if (!col) return constant(Tri::kUnknown);
      if (col->kind() != ColumnKind::kBool) return generic(b, idx);
      bool want = p.constant(ri.constant).boolean;
      bool positive = (op == CmpOp::kEq) == want;
      Node n;
      n.kind = Kind::kBoolCol;
      n.col = col;
      n.negate = !positive;
      return intern(std::move(n), std::string(positive ? "b" : "~b") + ref_key(col));
    }
    case rules::Class::kDate: {
      if (li.op != Op::kAttr || !right_const) return generic(b, idx);
      const Column* col = b->cols[static_cast<size_t>(l)];
      if (!col) return constant(Tri::kUnknown);
      if (col->kind() != ColumnKind::kDate) return generic(b, idx);
      Node n;
      n.kind = Kind::kDateCmp;
      n.col = col;
      n.cmp = op;
      n.date = p.constant(ri.constant).date;
      return intern(std::move(n),
                    "d" + ref_key(col) + rules::cmp_text(op) + std::to_string(n.date));
    }
    case rules::Class::kNumeric:
      break;
    default:
      return generic(b, idx);
  }
  // Numeric. column op constant: an integer threshold on the mantissas.
  if (li.op == Op::kAttr && right_const) {
    const Column* col = b->cols[static_cast<size_t>(l)];
    if (!col) return constant(Tri::kUnknown);
    if (col->kind() != ColumnKind::kDecimal) return generic(b, idx);
    return num_compare(col, op, p.constant(ri.constant).number);
  }
  // x / y op c: cross-multiplied, exact.
  if (li.op == Op::kDiv && right_const) {
    auto kk = p.children(li);
    bool miss_x = false, miss_y = false;
    auto x = linear(p, kk[0], &miss_x);
    auto y = linear(p, kk[1], &miss_y);
    if (miss_x || miss_y) return constant(Tri::kUnknown);
    Decimal c = p.constant(ri.constant).number;
    if (x && y && !x->terms.empty() && x->scale <= 6 && y->scale <= 6 && c.scale() <= 12) {
      Node n;
      n.kind = Kind::kRatio;
      n.x = *x;
      n.y = *y;
      n.cmp = op;
      n.c = c.mantissa();
      n.c_scale = c.scale();
      n.bound = b;
      n.instr = idx;
      n.mult_x = p10(n.y.scale + n.c_scale);
      n.y_limit = p10(18 - n.x.scale - n.c_scale) * 2;
      n.x_limit = p10(19 - n.y.scale);
      if (overflow_mul(n.c, p10(n.x.scale), &n.mult_c) || n.mult_c >= p10(19) ||
          n.mult_c <= -p10(19))
        return generic(b, idx);
      return intern(std::move(n), "");
    }
    return generic(b, idx);
  }
  // A linear form against zero: l - r.
  bool miss = false;
  auto ll = linear(p, l, &miss);
  auto rl = linear(p, r, &miss);
  if (miss) return constant(Tri::kUnknown);
  if (ll && rl) {
    Linear d;
    d.scale = std::max(ll->scale, rl->scale);
    if (d.scale <= 18) {
      for (const auto& tm : ll->terms)
        d.terms.push_back({tm.col, tm.mult * p10(d.scale - ll->scale)});
      for (const auto& tm : rl->terms)
        d.terms.push_back({tm.col, -tm.mult * p10(d.scale - rl->scale)});
      d.k0 = ll->k0 * p10(d.scale - ll->scale) - rl->k0 * p10(d.scale - rl->scale);
      bool small = d.terms.size() <= 4;
      for (const auto& tm : d.terms) small = small && tm.mult < p10(18) && tm.mult > -p10(18);
      small = small && d.k0 < p10(36) && d.k0 > -p10(36);
      if (small && !d.terms.empty()) {
        Node n;
        n.kind = Kind::kLinear;
        for (const auto& tm : d.terms) n.mult_d.push_back(static_cast<double>(tm.mult));
        n.k0_d = static_cast<double>(d.k0);
        n.lhs = std::move(d);
        n.cmp = op;
        return intern(std::move(n), "");
      }
    }
  }
  return generic(b, idx);
}

// The linear form of a numeric sub-expression, when it is one: constants,
// columns, +, -, unary -, and multiplication by a constant. The reference
// evaluates these exactly (no rounding) when every scale stays <= 18, which
// the caller checks.
std::optional<Linear> Plan::linear(const Program& p, int32_t idx, bool* missing_column) {
  const Instr& in = p.instr(idx);
  auto kids = p.children(in);
  switch (in.op) {
    case Op::kConst: {
      const Value& v = p.constant(in.constant);
      if (v.is_missing()) {
        *missing_column = true;
        return std::nullopt;
      }
      Linear f;
      f.k0 = v.number.mantissa();
      f.scale = v.number.scale();
      return f;
    }
    case Op::kAttr: {
      const Column* col = t_.column(in.attr);
      if (!col) {
        *missing_column = true;
        return std::nullopt;
      }
      if (col->kind() != ColumnKind::kDecimal) return std::nullopt;
      Linear f;
      f.terms.push_back({col, 1});
      f.scale = col->scale();
      return f;
    }
    case Op::kNeg: {
      auto f = linear(p, kids[0], missing_column);
      if (!f) return f;
      for (auto& tm : f->terms) tm.mult = -tm.mult;
      f->k0 = -f->k0;
      return f;
    }
    case Op::kAdd:
    case Op::kSub: {
      auto a = linear(p, kids[0], missing_column);
      auto c = linear(p, kids[1], missing_column);
      if (!a || !c) return std::nullopt;
      Linear f;
      f.scale = std::max(a->scale, c->scale);
      if (f.scale > 18) return std::nullopt;
      int128_t sign = in.op == Op::kAdd ? 1 : -1;
      for (const auto& tm : a->terms)
        f.terms.push_back({tm.col, tm.mult * p10(f.scale - a->scale)});
      for (const auto& tm : c->terms)
        f.terms.push_back({tm.col, sign * tm.mult * p10(f.scale - c->scale)});
      f.k0 = a->k0 * p10(f.scale - a->scale) + sign * c->k0 * p10(f.scale - c->scale);
      return f;
    }
    case Op::kMul: {
      auto a = linear(p, kids[0], missing_column);
      auto c = linear(p, kids[1], missing_column);
      if (!a || !c) return std::nullopt;
      if (!a->terms.empty() && !c->terms.empty()) return std::nullopt;  // not linear
      const Linear& var = a->terms.empty() ? *c : *a;
      const Linear& k = a->terms.empty() ? *a : *c;
      Linear f;
      f.scale = var.scale + k.scale;
      if (f.scale > 18 || k.k0 >= p10(18) || k.k0 <= -p10(18)) return std::nullopt;
      for (const auto& tm : var.terms) f.terms.push_back({tm.col, tm.mult * k.k0});
      f.k0 = var.k0 * k.k0;
      return f;
    }
    default:
      return std::nullopt;
  }
}

// col op c with col's values m / 10^s: compare m against c·10^s, made an
// exact integer threshold (ceil/floor when c·10^s is not whole).
uint32_t Plan::num_compare(const Column* col, CmpOp op, const Decimal& c) {
  int s = col->scale();
  // v = c · 10^s as a fraction num / 10^k with k >= 0.
  int128_t num = c.mantissa();
  int k = c.scale() - s;
  if (k < 0) {
    if (-k > 20 || (num != 0 && (num > p10(38 + k) || num < -p10(38 + k)))) {
      return constant(
          c.sign() > 0 ? (op == CmpOp::kLt || op == CmpOp::kLe || op == CmpOp::kNe ? Tri::kTrue
                                                                                   : Tri::kFalse)
                       : (op == CmpOp::kGt || op == CmpOp::kGe || op == CmpOp::kNe ? Tri::kTrue
                                                                                   : Tri::kFalse));
    }
    num *= p10(-k);
    k = 0;
  }
  int128_t den = k == 0 ? 1 : p10(std::min(k, 38));
  int128_t fl = num / den - ((num % den != 0 && num < 0) ? 1 : 0);  // floor
  bool whole = num % den == 0;
  int128_t ce = whole ? fl : fl + 1;  // ceil
  NumOp nop;
  int128_t thr;
  Tri always = Tri::kUnknown;  // kTrue/kFalse when every valid row gives it
  switch (op) {
    case CmpOp::kGe:
      nop = NumOp::kGe;
      thr = ce;
      break;
    case CmpOp::kGt:
      nop = NumOp::kGe;
      thr = fl + 1;
      break;
    case CmpOp::kLe:
      nop = NumOp::kLe;
      thr = fl;
      break;
    case CmpOp::kLt:
      nop = NumOp::kLe;
      thr = ce - 1;
      break;
    case CmpOp::kEq:
      nop = NumOp::kEq;
      thr = fl;
      if (!whole) always = Tri::kFalse;
      break;
    default:
      nop = NumOp::kNe;
      thr = fl;
      if (!whole) always = Tri::kTrue;
      break;
  }
  if (!fits_int64(thr)) {
    bool above = thr > 0;  // threshold beyond every int64
    switch (nop) {
      case NumOp::kGe:
        always = above ? Tri::kFalse : Tri::kTrue;
        break;
      case NumOp::kLe:
        always = above ? Tri::kTrue : Tri::kFalse;
        break;
      case NumOp::kEq:
        always = Tri::kFalse;
        break;
      case NumOp::kNe:
        always = Tri::kTrue;
        break;
    }
    thr = 0;
  }
  Node n;
  n.col = col;
  if (always != Tri::kUnknown) {
    // The same answer for every row that has a value.
    n.kind = always == Tri::kTrue ? Kind::kValid : Kind::kNever;
    return intern(std::move(n), (always == Tri::kTrue ? "v" : "x") + ref_key(col));
  }
  n.kind = Kind::kNumCmp;
  n.num_op = nop;
  n.threshold = static_cast<int64_t>(thr);
  static const char* kOps[] = {">=", "<=", "==", "!="};
  return intern(std::move(n),
                "n" + ref_key(col) + kOps[static_cast<int>(nop)] + std::to_string(n.threshold));
}

const std::vector<Bitmap>* Plan::code_rows(const Column* col) {
  return indexes_.code_rows(col);
}

uint32_t Plan::text_in(const Column* col, const std::vector<std::string_view>& values,
                       bool negate) {
  std::vector<std::string> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  std::string key = std::string(negate ? "~t" : "t") + ref_key(col);
  for (const auto& v : sorted) key += ":" + v;
  if (auto it = keys_.find(key); it != keys_.end()) {
    ++stats.shared_uses;
    return it->second;
  }
  Node n;
  n.kind = Kind::kTextIn;
  n.col = col;
  n.negate = negate;
  const portrait::Dictionary& d = col->dict();
  n.lut.assign(d.size(), 0);
  for (uint32_t code = 0; code < d.size(); ++code) {
    std::string_view s = d.at(code);
    for (std::string_view v : values)
      if (s == v) n.lut[code] = 1;
  }
  n.code_rows = code_rows(col);
  if (n.code_rows)
    for (uint32_t code = 0; code < d.size(); ++code)
      if (n.lut[code]) n.codes.push_back(code);
  return intern(std::move(n), key);
}

std::optional<AwardProgram> Plan::compile_award(const Program& p, int32_t idx,
                                                const std::shared_ptr<const Bound>& b) {
  AwardProgram a;
  a.root = award_op(p, idx, b, a);
  if (a.root < 0) return std::nullopt;
  for (AwardOp& op : a.ops)
    for (int k : op.kids)
      op.up.push_back(op.k == AwardOp::kMulConst ? 1 : p10(op.scale - a.ops[static_cast<size_t>(k)].scale));
  a.fits64 = std::all_of(a.ops.begin(), a.ops.end(), [](const AwardOp& op) {
    return fits_int64(op.c) && std::all_of(op.up.begin(), op.up.end(), fits_int64);
  });
  return a;
}

// Appends the op for instruction idx; -1 when the formula has something the
// fast path does not do (division, round, years_since, text …).
int Plan::award_op(const Program& p, int32_t idx, const std::shared_ptr<const Bound>& b,
                   AwardProgram& out) {
  const Instr& in = p.instr(idx);
  auto kids = p.children(in);
  AwardOp op;
  auto push = [&](AwardOp o) {
    out.ops.push_back(std::move(o));
    return static_cast<int>(out.ops.size() - 1);
  };
  switch (in.op) {
    case Op::kConst: {
      const Value& v = p.constant(in.constant);
      if (v.kind != Value::Kind::kNumber) return -1;
      op.k = AwardOp::kConst;
      op.c = v.number.mantissa();
      op.scale = v.number.scale();
      return push(op);
    }
    case Op::kAttr: {
      const Column* col = b->cols[static_cast<size_t>(idx)];
      if (!col || col->kind() != ColumnKind::kDecimal) return -1;
      op.k = AwardOp::kCol;
      op.col = col;
      op.scale = col->scale();
      return push(op);
    }
    case Op::kNeg:
    case Op::kAbs: {
      int k = award_op(p, kids[0], b, out);
      if (k < 0) return -1;
      op.k = in.op == Op::kNeg ? AwardOp::kNeg : AwardOp::kAbs;
      op.kids = {k};
      op.scale = out.ops[static_cast<size_t>(k)].scale;
      return push(op);
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMin:
    case Op::kMax: {
      op.k = in.op == Op::kAdd   ? AwardOp::kAdd
             : in.op == Op::kSub ? AwardOp::kSub
             : in.op == Op::kMin ? AwardOp::kMin
                                 : AwardOp::kMax;
      for (int32_t k : kids) {
        int o = award_op(p, k, b, out);
        if (o < 0) return -1;
        op.kids.push_back(o);
        op.scale = std::max(op.scale, out.ops[static_cast<size_t>(o)].scale);
      }
      if (op.scale > 18) return -1;
      return push(op);
    }
    case Op::kMul: {
      // One side must be a constant.
      int32_t var = kids[0], k = kids[1];
      if (p.instr(var).op == Op::kConst) std::swap(var, k);
      if (p.instr(k).op != Op::kConst) return -1;
      const Value& c = p.constant(p.instr(k).constant);
      if (c.kind != Value::Kind::kNumber) return -1;
      int v = award_op(p, var, b, out);
      if (v < 0) return -1;
      op.k = AwardOp::kMulConst;
      op.kids = {v};
      op.c = c.number.mantissa();
      op.scale = out.ops[static_cast<size_t>(v)].scale + c.number.scale();
      if (op.scale > 18) return -1;
      return push(op);
    }
    case Op::kIf: {
      uint32_t cond = translate(p, kids[0], b);
      Kind ck = nodes[cond].kind;
      if (ck == Kind::kAnd || ck == Kind::kOr || ck == Kind::kNot) return -1;
      int t = award_op(p, kids[1], b, out);
      int e = award_op(p, kids[2], b, out);
      if (t < 0 || e < 0) return -1;
      op.k = AwardOp::kIf;
      op.cond = cond;
      op.kids = {t, e};
      op.scale =
          std::max(out.ops[static_cast<size_t>(t)].scale, out.ops[static_cast<size_t>(e)].scale);
      return push(op);
    }
    default:
      return -1;
  }
}

// The value of op at its scale; nullopt when missing. Sets *overflow when
// int128 arithmetic overflowed (the caller then asks the reference).
std::optional<int128_t> Plan::award_value(const AwardProgram& a, int i, size_t row,
                                          bool* overflow) const {
  const AwardOp& op = a.ops[static_cast<size_t>(i)];
  auto child = [&](size_t k) -> std::optional<int128_t> {
    int ci = op.kids[k];
    auto v = award_value(a, ci, row, overflow);
    if (!v) return v;
    int up = op.scale - a.ops[static_cast<size_t>(ci)].scale;
    int128_t r;
    if (up > 0 && __builtin_mul_overflow(*v, p10(up), &r)) {
      *overflow = true;
      return std::nullopt;
    }
    return up > 0 ? r : *v;
  };
  switch (op.k) {
    case AwardOp::kConst:
      return op.c;
    case AwardOp::kCol:
      if (!op.col->is_valid(row)) return std::nullopt;
      return static_cast<int128_t>(op.col->ints()[row]);
    case AwardOp::kNeg: {
      auto v = child(0);
      if (!v) return v;
      return -*v;
    }
    case AwardOp::kAbs: {
      auto v = child(0);
      if (!v) return v;
      return *v < 0 ? -*v : *v;
    }
    case AwardOp::kAdd:
    case AwardOp::kSub: {
      auto x = child(0);
      if (!x) return x;
      auto y = child(1);
      if (!y) return y;
      int128_t r;
      bool of = op.k == AwardOp::kAdd ? __builtin_add_overflow(*x, *y, &r)
                                      : __builtin_sub_overflow(*x, *y, &r);
      if (of) *overflow = true;
      return of ? std::nullopt : std::optional<int128_t>(r);
    }
    case AwardOp::kMulConst: {
      auto x = award_value(a, op.kids[0], row, overflow);
      if (!x) return x;
      int128_t r;
      if (__builtin_mul_overflow(*x, op.c, &r)) {
        *overflow = true;
        return std::nullopt;
      }
      return r;
    }
    case AwardOp::kMin:
    case AwardOp::kMax: {
      std::optional<int128_t> best;
      for (size_t k = 0; k < op.kids.size(); ++k) {
        auto v = child(k);
        if (!v) return v;
        if (!best || (op.k == AwardOp::kMin ? *v < *best : *v > *best)) best = v;
      }
      return best;
    }
    case AwardOp::kIf: {
      Tri c = leaf_row(nodes[op.cond], row);
      if (c == Tri::kUnknown) return std::nullopt;
      return child(c == Tri::kTrue ? 0 : 1);
    }
  }
  return std::nullopt;
}

// award_value for a small program, without recursion: the ops are in
// postfix order (kids first), so one pass computes each once. Both branches
// of an if are computed; one that overflows sends the row on (still exact,
// only slower). T is int64_t (for a program that fits64: the overflow checks
// are single instructions, and an overflow retries in int128) or int128_t
// (an overflow goes to the reference).
template <class T>
std::optional<T> Plan::award_flat(const AwardProgram& a, size_t row, bool* overflow) const {
  constexpr size_t kMax = 24;
  T val[kMax] = {};
  bool ok[kMax] = {};
  size_t n = a.ops.size();
  for (size_t i = 0; i < n; ++i) {
    const AwardOp& op = a.ops[i];
    auto kid = [&](size_t k, T* out) {
      auto c = static_cast<size_t>(op.kids[k]);
      if (!ok[c]) return false;
      if (op.up[k] == 1) {
        *out = val[c];
        return true;
      }
      if (__builtin_mul_overflow(val[c], static_cast<T>(op.up[k]), out)) {
        *overflow = true;
        return false;
      }
      return true;
    };
    T x = 0, y = 0;
    ok[i] = true;
    switch (op.k) {
      case AwardOp::kConst:
        val[i] = static_cast<T>(op.c);
        break;
      case AwardOp::kCol:
        ok[i] = op.col->is_valid(row);
        val[i] = ok[i] ? static_cast<T>(op.col->ints()[row]) : 0;
        break;
      case AwardOp::kNeg:
      case AwardOp::kAbs:
        ok[i] = kid(0, &x);
        val[i] = op.k == AwardOp::kNeg || x < 0 ? -x : x;
        break;
      case AwardOp::kAdd:
      case AwardOp::kSub:
        ok[i] = kid(0, &x) && kid(1, &y);
        if (ok[i] && (op.k == AwardOp::kAdd ? __builtin_add_overflow(x, y, &val[i])
                                            : __builtin_sub_overflow(x, y, &val[i]))) {
          *overflow = true;
          ok[i] = false;
        }
        break;
      case AwardOp::kMulConst:
        ok[i] = kid(0, &x);
        if (ok[i] && __builtin_mul_overflow(x, static_cast<T>(op.c), &val[i])) {
          *overflow = true;
          ok[i] = false;
        }
        break;
      case AwardOp::kMin:
      case AwardOp::kMax:
        for (size_t k = 0; k < op.kids.size() && ok[i]; ++k) {
          ok[i] = kid(k, &x);
          if (ok[i] && (k == 0 || (op.k == AwardOp::kMin ? x < val[i] : x > val[i]))) val[i] = x;
        }
        break;
      case AwardOp::kIf: {
        Tri c = leaf_row(nodes[op.cond], row);
        ok[i] = c != Tri::kUnknown && kid(c == Tri::kTrue ? 0 : 1, &val[i]);
        break;
      }
    }
  }
  auto r = static_cast<size_t>(a.root);
  return ok[r] ? std::optional<T>(val[r]) : std::nullopt;
}

int64_t Plan::award(size_t p, size_t row) const {
  if (const_award[p]) return *const_award[p];
  if (const auto& fa = fast_award[p]) {
    bool overflow = false;
    std::optional<int128_t> v;
    if (fa->ops.size() > 24) {
      v = award_value(*fa, fa->root, row, &overflow);
    } else {
      bool wide = !fa->fits64;  // int64 first; on an overflow, again in int128
      if (!wide) {
        v = award_flat<int64_t>(*fa, row, &overflow);
        wide = std::exchange(overflow, false);
      }
      if (wide) v = award_flat<int128_t>(*fa, row, &overflow);
    }
    if (!overflow) {
      if (!v || *v <= 0) return 0;
      int s = fa->ops[static_cast<size_t>(fa->root)].scale;
      // award_of: rounded half away from zero to the fen.
      int128_t fen = s <= 2 ? *v * p10(2 - s) : div_round_half_away(*v, p10(s - 2));
      return fen > INT64_MAX ? INT64_MAX : static_cast<int64_t>(fen);
    }
  }
  return award_fen(*awards[p], row, ctx_);
}

// ---------------------------------------------------------------- kernels

namespace {

// Bits of rows [r0, r0 + cnt) where v op thr (cnt <= 64).
inline uint64_t num_bits(const int64_t* v, NumOp op, int64_t thr, size_t cnt) {
  uint64_t bits = 0;
#if defined(__AVX2__)
  if (cnt == 64) {
    __m256i t = _mm256_set1_epi64x(thr);
    for (int j = 0; j < 64; j += 4) {
      __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + j));
      __m256i m;
      switch (op) {
        case NumOp::kGe:
          m = _mm256_or_si256(_mm256_cmpgt_epi64(x, t), _mm256_cmpeq_epi64(x, t));
          break;
        case NumOp::kLe:
          m = _mm256_xor_si256(_mm256_cmpgt_epi64(x, t), _mm256_set1_epi64x(-1));
          break;
        case NumOp::kEq:
          m = _mm256_cmpeq_epi64(x, t);
          break;
        default:
          m = _mm256_xor_si256(_mm256_cmpeq_epi64(x, t), _mm256_set1_epi64x(-1));
          break;
      }
      bits |= static_cast<uint64_t>(_mm256_movemask_pd(_mm256_castsi256_pd(m))) << j;
    }
    return bits;
  }
#endif
  for (size_t j = 0; j < cnt; ++j) {
    bool b;
    switch (op) {
      case NumOp::kGe:
        b = v[j] >= thr;
        break;
      case NumOp::kLe:
        b = v[j] <= thr;
        break;
      case NumOp::kEq:
        b = v[j] == thr;
        break;
      default:
        b = v[j] != thr;
        break;
    }
    bits |= static_cast<uint64_t>(b) << j;
  }
  return bits;
}

inline uint64_t date_bits(const int32_t* v, CmpOp op, int32_t thr, size_t cnt) {
  uint64_t bits = 0;
#if defined(__AVX2__)
  if (cnt == 64 && (op == CmpOp::kGe || op == CmpOp::kLt)) {
    __m256i t = _mm256_set1_epi32(thr);
    for (int j = 0; j < 64; j += 8) {
      __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v + j));
      __m256i lt = _mm256_cmpgt_epi32(t, x);  // x < thr
      uint64_t m = static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(lt)));
      bits |= (op == CmpOp::kLt ? m : (~m & 0xFF)) << j;
    }
    return bits;
  }
#endif
  for (size_t j = 0; j < cnt; ++j)
    bits |= static_cast<uint64_t>(rules::cmp_holds(op, v[j] <=> thr)) << j;
  return bits;
}

inline uint64_t tail_mask(size_t cnt) {
  return cnt >= 64 ? ~uint64_t{0} : ((uint64_t{1} << cnt) - 1);
}

inline int sign128(int128_t v) {
  return v > 0 ? 1 : (v < 0 ? -1 : 0);
}

// Σ mult·m + k0 for one row; false when a term's column is missing there.
inline bool linear_value(const Linear& f, size_t row, int128_t* out) {
  int128_t s = f.k0;
  for (const auto& tm : f.terms) {
    if (!tm.col->is_valid(row)) return false;
    s += tm.mult * static_cast<int128_t>(tm.col->ints()[row]);
  }
  *out = s;
  return true;
}

// The sign of a linear form Σ k·x + k0 over the rows `go` of one word, in
// doubles: `pos` and `neg` get the rows whose sign is clear beyond the error
// bound of the double sum (below 1e-15 of the sum of magnitudes; the margin
// used is 1e-12), the others are left for the exact int128 sum. The same sums,
// in the same order, as leaf_row. A word with many rows needed is computed
// whole, so the loop has no branches; `base` is the word's first row.
template <size_t NT>
inline void linear_signs(const Node& n, size_t base, size_t cnt, uint64_t go, uint64_t* pos,
                         uint64_t* neg) {
  const int64_t* v[NT];
  double k[NT];
  for (size_t i = 0; i < NT; ++i) {
    v[i] = n.lhs.terms[i].col->ints().data() + base;
    k[i] = n.mult_d[i];
  }
  auto sign = [&](size_t j, uint64_t* p, uint64_t* q) {
    double d = n.k0_d, mag = std::abs(n.k0_d);
    for (size_t i = 0; i < NT; ++i) {
      double t = k[i] * static_cast<double>(v[i][j]);
      d += t;
      mag += std::abs(t);
    }
    double e = mag * 1e-12;
    *p |= static_cast<uint64_t>(d > e) << j;
    *q |= static_cast<uint64_t>(d < -e) << j;
  };
  uint64_t p = 0, q = 0;
  if (cnt == 64 && std::popcount(go) >= 16) {
    for (size_t j = 0; j < 64; ++j) sign(j, &p, &q);
  } else {
    for (uint64_t g = go; g; g &= g - 1) sign(static_cast<size_t>(std::countr_zero(g)), &p, &q);
  }
  *pos = p & go;
  *neg = q & go;
}

}  // namespace

const Masks& Plan::eval(uint32_t id, size_t begin, size_t end, const uint64_t* care,
                        Scratch& s) const {
  Masks& m = s.masks[id];
  if (s.full[id] == s.block) return m;  // the common case: computed for every row
  if (s.stamp[id] != s.block) {
    s.stamp[id] = s.block;
    std::memset(m.done, 0, sizeof m.done);
  }
  const Node& n = nodes[id];
  size_t rows = end - begin;
  size_t words = (rows + 63) / 64;
  size_t w0 = begin / 64;
  uint64_t need[kWords];
  uint64_t any = 0;
  for (size_t w = 0; w < words; ++w) {
    need[w] = care[w] & ~m.done[w];
    any |= need[w];
  }
  if (any == 0) return m;
  auto rowmask = [&](size_t w) { return tail_mask(rows - w * 64); };
  auto row_by_row = [&] {  // only the rows needed
    for (size_t w = 0; w < words; ++w) {
      uint64_t todo = need[w];
      if (!todo) continue;
      m.t[w] &= ~todo;
      m.f[w] &= ~todo;
      while (todo) {
        unsigned j = static_cast<unsigned>(std::countr_zero(todo));
        todo &= todo - 1;
        Tri t = leaf_row(n, begin + w * 64 + j);
        if (t == Tri::kTrue) m.t[w] |= uint64_t{1} << j;
        if (t == Tri::kFalse) m.f[w] |= uint64_t{1} << j;
      }
      m.done[w] |= need[w];
    }
  };
  switch (n.kind) {
    case Kind::kConst:
      for (size_t w = 0; w < words; ++w) {
        m.t[w] = n.constant == Tri::kTrue ? rowmask(w) : 0;
        m.f[w] = n.constant == Tri::kFalse ? rowmask(w) : 0;
        m.done[w] = rowmask(w);
      }
      break;
    case Kind::kNot: {
      const Masks& c = eval(n.kids[0], begin, end, need, s);
      for (size_t w = 0; w < words; ++w) {
        m.t[w] = (m.t[w] & ~need[w]) | (c.f[w] & need[w]);
        m.f[w] = (m.f[w] & ~need[w]) | (c.t[w] & need[w]);
        m.done[w] |= need[w];
      }
      break;
    }
    case Kind::kAnd:
    case Kind::kOr: {
      // and: rows stay "alive" until a part is false; or: until one is true.
      // Later parts are evaluated only for alive rows.
      bool is_and = n.kind == Kind::kAnd;
      uint64_t decided[kWords], open[kWords], alive[kWords];
      for (size_t w = 0; w < words; ++w) {
        decided[w] = 0;     // and: some part false; or: some part true
        open[w] = need[w];  // and: every part so far true; or: every part false
        alive[w] = need[w];
      }
      for (uint32_t k : n.kids) {
        const Masks& c = eval(k, begin, end, alive, s);
        uint64_t left = 0;
        for (size_t w = 0; w < words; ++w) {
          uint64_t hit = (is_and ? c.f[w] : c.t[w]) & alive[w];
          uint64_t same = (is_and ? c.t[w] : c.f[w]) | ~alive[w];
          decided[w] |= hit;
          open[w] &= same;
          alive[w] &= ~hit;
          left |= alive[w];
        }
        if (left == 0) break;
      }
      for (size_t w = 0; w < words; ++w) {
        uint64_t t = is_and ? open[w] : decided[w];
        uint64_t f = is_and ? decided[w] : open[w];
        m.t[w] = (m.t[w] & ~need[w]) | (t & need[w]);
        m.f[w] = (m.f[w] & ~need[w]) | (f & need[w]);
        m.done[w] |= need[w];
      }
      break;
    }
    case Kind::kNumCmp: {
      const uint64_t* valid = n.col->valid().words() + w0;
      const int64_t* v = n.col->ints().data() + begin;
      for (size_t w = 0; w < words; ++w) {
        if (!need[w]) continue;
        size_t cnt = std::min<size_t>(64, rows - w * 64);
        uint64_t vw = valid[w] & rowmask(w);
        uint64_t bits = vw ? num_bits(v + w * 64, n.num_op, n.threshold, cnt) : 0;
        m.t[w] = bits & vw;
        m.f[w] = ~bits & vw;
        m.done[w] = rowmask(w);
      }
      break;
    }
    case Kind::kDateCmp: {
      const uint64_t* valid = n.col->valid().words() + w0;
      const int32_t* v = n.col->dates().data() + begin;
      for (size_t w = 0; w < words; ++w) {
        if (!need[w]) continue;
        size_t cnt = std::min<size_t>(64, rows - w * 64);
        uint64_t vw = valid[w] & rowmask(w);
        uint64_t bits = vw ? date_bits(v + w * 64, n.cmp, n.date, cnt) : 0;
        m.t[w] = bits & vw;
        m.f[w] = ~bits & vw;
        m.done[w] = rowmask(w);
      }
      break;
    }
    case Kind::kTextIn: {
      const uint64_t* valid = n.col->valid().words() + w0;
      for (size_t w = 0; w < words; ++w) {
        if (!need[w]) continue;
        uint64_t bits = 0;
        uint64_t vw = valid[w] & rowmask(w);
        if (vw) {
          if (n.code_rows) {
            for (uint32_t code : n.codes) bits |= (*n.code_rows)[code].words()[w0 + w];
          } else {
            const uint32_t* codes = n.col->codes().data() + begin + w * 64;
            size_t cnt = std::min<size_t>(64, rows - w * 64);
            for (size_t j = 0; j < cnt; ++j) bits |= static_cast<uint64_t>(n.lut[codes[j]]) << j;
          }
        }
        if (n.negate) bits = ~bits;
        m.t[w] = bits & vw;
        m.f[w] = ~bits & vw;
        m.done[w] = rowmask(w);
      }
      break;
    }
    case Kind::kBoolCol: {
      const uint64_t* valid = n.col->valid().words() + w0;
      const uint64_t* bits = n.col->bools().words() + w0;
      for (size_t w = 0; w < words; ++w) {
        uint64_t vw = valid[w] & rowmask(w);
        uint64_t b = n.negate ? ~bits[w] : bits[w];
        m.t[w] = b & vw;
        m.f[w] = ~b & vw;
        m.done[w] = rowmask(w);
      }
      break;
    }
    case Kind::kSetHas: {
      const uint64_t* valid = n.col->valid().words() + w0;
      const uint64_t* has = n.member->words() + w0;
      for (size_t w = 0; w < words; ++w) {
        uint64_t vw = valid[w] & rowmask(w);
        m.t[w] = has[w] & vw;
        m.f[w] = ~has[w] & vw;
        m.done[w] = rowmask(w);
      }
      break;
    }
    case Kind::kExists:
    case Kind::kValid:
    case Kind::kNever: {
      const uint64_t* valid = n.col->valid().words() + w0;
      for (size_t w = 0; w < words; ++w) {
        uint64_t vw = valid[w] & rowmask(w);
        m.t[w] = n.kind == Kind::kNever ? 0 : vw;
        m.f[w] = n.kind == Kind::kExists ? ~valid[w] & rowmask(w) : n.kind == Kind::kNever ? vw : 0;
        m.done[w] = rowmask(w);
      }
      break;
    }
    case Kind::kLinear: {
      const size_t nt = n.lhs.terms.size();
      if (nt == 0 || nt > 3) {
        row_by_row();
        break;
      }
      // Σ k·x + k0 cmp 0 (营业收入[2024] >= 营业收入[2023] * (1 + 25%)): the
      // sign in doubles for the word, exact in int128 where it is too close.
      const bool t_pos = rules::cmp_holds(n.cmp, 1 <=> 0);
      const bool t_neg = rules::cmp_holds(n.cmp, -1 <=> 0);
      const bool t_zero = rules::cmp_holds(n.cmp, 0 <=> 0);
      for (size_t w = 0; w < words; ++w) {
        uint64_t todo = need[w];
        if (!todo) continue;
        uint64_t go = todo;  // the others are unknown: a term is missing
        for (const auto& tm : n.lhs.terms) go &= tm.col->valid().words()[w0 + w];
        size_t base = begin + w * 64, cnt = std::min<size_t>(64, rows - w * 64);
        uint64_t pos = 0, neg = 0, zero = 0;
        if (nt == 1) linear_signs<1>(n, base, cnt, go, &pos, &neg);
        if (nt == 2) linear_signs<2>(n, base, cnt, go, &pos, &neg);
        if (nt == 3) linear_signs<3>(n, base, cnt, go, &pos, &neg);
        for (uint64_t close = go & ~(pos | neg); close; close &= close - 1) {
          unsigned j = static_cast<unsigned>(std::countr_zero(close));
          int128_t v = 0;
          linear_value(n.lhs, base + j, &v);
          int sg = sign128(v);
          (sg > 0 ? pos : sg < 0 ? neg : zero) |= uint64_t{1} << j;
        }
        uint64_t t = (t_pos ? pos : 0) | (t_neg ? neg : 0) | (t_zero ? zero : 0);
        m.t[w] = (m.t[w] & ~todo) | t;
        m.f[w] = (m.f[w] & ~todo) | (go & ~t);
        m.done[w] |= todo;
      }
      break;
    }
    case Kind::kRatio:
      if (n.x.terms.size() == 1 && n.y.terms.size() == 1) {
        // X / Y cmp C with one column on each side (研发费用 / 营业收入 >= 3%):
        // the rows needed where both columns have a value, inline; leaf_row
        // for the rows outside the exact fast range.
        const auto& tx = n.x.terms[0];
        const auto& ty = n.y.terms[0];
        const int64_t* vx = tx.col->ints().data();
        const int64_t* vy = ty.col->ints().data();
        const uint64_t* okx = tx.col->valid().words() + w0;
        const uint64_t* oky = ty.col->valid().words() + w0;
        for (size_t w = 0; w < words; ++w) {
          uint64_t todo = need[w];
          if (!todo) continue;
          m.t[w] &= ~todo;
          m.f[w] &= ~todo;
          uint64_t go = todo & okx[w] & oky[w];  // the others are unknown
          while (go) {
            unsigned j = static_cast<unsigned>(std::countr_zero(go));
            go &= go - 1;
            size_t row = begin + w * 64 + j;
            int128_t x = n.x.k0 + tx.mult * static_cast<int128_t>(vx[row]);
            int128_t y = n.y.k0 + ty.mult * static_cast<int128_t>(vy[row]);
            if (y == 0) continue;  // division by zero: missing
            int128_t ay = y < 0 ? -y : y;
            int128_t ax = x < 0 ? -x : x;
            Tri t;
            if (ay < n.y_limit && ax < n.x_limit) {
              int c = sign128(x * n.mult_x - n.mult_c * y);
              if (y < 0) c = -c;
              t = rules::tri_of(rules::cmp_holds(n.cmp, c <=> 0));
            } else {
              t = leaf_row(n, row);
            }
            if (t == Tri::kTrue) m.t[w] |= uint64_t{1} << j;
            if (t == Tri::kFalse) m.f[w] |= uint64_t{1} << j;
          }
          m.done[w] |= need[w];
        }
        break;
      }
      row_by_row();
      break;
    case Kind::kGeneric:
      row_by_row();
      break;
  }
  uint64_t missing = 0;
  for (size_t w = 0; w < words; ++w) missing |= rowmask(w) & ~m.done[w];
  if (missing == 0) s.full[id] = s.block;
  return m;
}

// One node for one row; memo holds, per node, 0 (not yet) or its Tri + 1.
Tri Plan::eval_row(uint32_t id, size_t row, std::vector<uint8_t>& memo) const {
  if (memo[id] != 0) return static_cast<Tri>(memo[id] - 1);
  const Node& n = nodes[id];
  Tri out = Tri::kUnknown;
  switch (n.kind) {
    case Kind::kNot:
      out = rules::tri_not(eval_row(n.kids[0], row, memo));
      break;
    case Kind::kAnd: {
      out = Tri::kTrue;
      for (uint32_t k : n.kids) {
        Tri t = eval_row(k, row, memo);
        if (t == Tri::kFalse) {
          out = Tri::kFalse;
          break;
        }
        if (t == Tri::kUnknown) out = Tri::kUnknown;
      }
      break;
    }
    case Kind::kOr: {
      out = Tri::kFalse;
      for (uint32_t k : n.kids) {
        Tri t = eval_row(k, row, memo);
        if (t == Tri::kTrue) {
          out = Tri::kTrue;
          break;
        }
        if (t == Tri::kUnknown) out = Tri::kUnknown;
      }
      break;
    }
    default:
      out = leaf_row(n, row);
      break;
  }
  memo[id] = static_cast<uint8_t>(static_cast<uint8_t>(out) + 1);
  return out;
}

Tri Plan::leaf_row(const Node& n, size_t row) const {
  switch (n.kind) {
    case Kind::kConst:
      return n.constant;
    case Kind::kNumCmp:
      if (!n.col->is_valid(row)) return Tri::kUnknown;
      return rules::tri_of(num_bits(n.col->ints().data() + row, n.num_op, n.threshold, 1) & 1);
    case Kind::kDateCmp:
      if (!n.col->is_valid(row)) return Tri::kUnknown;
      return rules::tri_of(rules::cmp_holds(n.cmp, n.col->dates()[row] <=> n.date));
    case Kind::kTextIn:
      if (!n.col->is_valid(row)) return Tri::kUnknown;
      return rules::tri_of((n.lut[n.col->codes()[row]] != 0) != n.negate);
    case Kind::kBoolCol:
      if (!n.col->is_valid(row)) return Tri::kUnknown;
      return rules::tri_of(n.col->bools().get(row) != n.negate);
    case Kind::kSetHas:
      if (!n.col->is_valid(row)) return Tri::kUnknown;
      return rules::tri_of(n.member->get(row));
    case Kind::kExists:
      return rules::tri_of(n.col->is_valid(row));
    case Kind::kValid:
      return n.col->is_valid(row) ? Tri::kTrue : Tri::kUnknown;
    case Kind::kNever:
      return n.col->is_valid(row) ? Tri::kFalse : Tri::kUnknown;
    case Kind::kLinear: {
      // The sign in doubles when it is clear by a wide margin (the error of
      // the double sum is below 1e-15 of the sum of magnitudes); exact in
      // int128 otherwise.
      double d = n.k0_d, mag = std::abs(n.k0_d);
      for (size_t i = 0; i < n.lhs.terms.size(); ++i) {
        const Column* c = n.lhs.terms[i].col;
        if (!c->is_valid(row)) return Tri::kUnknown;
        double t = n.mult_d[i] * static_cast<double>(c->ints()[row]);
        d += t;
        mag += std::abs(t);
      }
      int sign;
      if (std::abs(d) > mag * 1e-12) {
        sign = d > 0 ? 1 : -1;
      } else {
        int128_t v = 0;
        linear_value(n.lhs, row, &v);
        sign = sign128(v);
      }
      return rules::tri_of(rules::cmp_holds(n.cmp, sign <=> 0));
    }
    case Kind::kRatio: {
      int128_t x, y;
      if (!linear_value(n.x, row, &x) || !linear_value(n.y, row, &y)) return Tri::kUnknown;
      if (y == 0) return Tri::kUnknown;  // division by zero: missing
      // q = x·10^-sx / (y·10^-sy), c = C·10^-sc: compare x·10^(sy+sc) with
      // C·10^sx·y. The reference rounds q to 18 places before comparing; that
      // can change the answer only when |y|·10^(sx+sc) >= 2·10^18 (q and c
      // may then differ by less than half a unit of the 18th place), and its
      // division loses precision when |x|·10^(18+sy) passes 10^38: such rows
      // are evaluated as the reference does.
      int128_t ay = y < 0 ? -y : y;
      int128_t ax = x < 0 ? -x : x;
      if (ay < n.y_limit && ax < n.x_limit) {
        int c = sign128(x * n.mult_x - n.mult_c * y);  // |terms| < 10^38: no overflow
        if (y < 0) c = -c;
        return rules::tri_of(rules::cmp_holds(n.cmp, c <=> 0));
      }
      return rules::truth_of(eval_bound(*n.bound, n.instr, row, ctx_));
    }
    case Kind::kGeneric:
      return rules::truth_of(eval_bound(*n.bound, n.instr, row, ctx_));
    default:
      return Tri::kUnknown;
  }
}

void Plan::finish() {
  stats.nodes = nodes.size();
  for (const Node& n : nodes)
    if (n.kind != Kind::kAnd && n.kind != Kind::kOr && n.kind != Kind::kNot) ++stats.leaf_nodes;
  // Estimate each node on a sample of rows spread over the table.
  size_t sample = std::min<size_t>(t_.rows(), 2048);
  if (sample > 0) {
    std::vector<uint32_t> not_false(nodes.size(), 0), is_true(nodes.size(), 0);
    std::vector<uint8_t> memo(nodes.size());
    for (size_t i = 0; i < sample; ++i) {
      size_t row = i * t_.rows() / sample;
      std::fill(memo.begin(), memo.end(), 0);
      for (uint32_t id = 0; id < nodes.size(); ++id) {
        Tri t = eval_row(id, row, memo);
        not_false[id] += t != Tri::kFalse;
        is_true[id] += t == Tri::kTrue;
      }
    }
    for (uint32_t id = 0; id < nodes.size(); ++id) {
      nodes[id].not_false = static_cast<double>(not_false[id]) / static_cast<double>(sample);
      nodes[id].is_true = static_cast<double>(is_true[id]) / static_cast<double>(sample);
    }
  }
  // and: the parts most likely false first; or: most likely true first.
  for (Node& n : nodes) {
    if (n.kind == Kind::kAnd)
      std::stable_sort(n.kids.begin(), n.kids.end(), [&](uint32_t a, uint32_t b) {
        return nodes[a].not_false < nodes[b].not_false;
      });
    if (n.kind == Kind::kOr)
      std::stable_sort(n.kids.begin(), n.kids.end(),
                       [&](uint32_t a, uint32_t b) { return nodes[a].is_true > nodes[b].is_true; });
  }
}

// ---------------------------------------------------------------- Engine

Engine::Engine(const portrait::EnterpriseTable& table,
               std::vector<std::shared_ptr<const portrait::Policy>> policies,
               const rules::EvalContext& ctx)
    : table_(table),
      ctx_(ctx),
      policies_(std::move(policies)),
      indexes_(std::make_unique<Indexes>(table)),
      plan_(std::make_unique<Plan>(table, ctx_, *indexes_)) {
  for (const auto& p : policies_) plan_->add_policy(*p);
  plan_->stats.policies = policies_.size();
  plan_->finish();
}

Engine::~Engine() = default;

const EngineStats& Engine::stats() const {
  return plan_->stats;
}
size_t Engine::policy_count() const {
  return policies_.size();
}

namespace {

struct Acc {
  int64_t match = 0, possible = 0, id_sum = 0;
  int128_t award_fen = 0;
};

}  // namespace

std::vector<PolicyCount> Engine::match_all() const {
  const Plan& plan = *plan_;
  size_t n = table_.rows();
  size_t blocks = (n + kBlockRows - 1) / kBlockRows;
  size_t np = policies_.size();
  struct Local {
    Plan::Scratch scratch;
    std::vector<Acc> acc;
  };
  tbb::enumerable_thread_specific<Local> locals([&] {
    Local l;
    l.scratch.masks.resize(plan.nodes.size());
    l.scratch.stamp.assign(plan.nodes.size(), UINT32_MAX);
    l.scratch.full.assign(plan.nodes.size(), UINT32_MAX);
    l.acc.resize(np);
    return l;
  });
  const std::vector<int64_t>& ids = table_.ids();
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, blocks, 1), [&](const tbb::blocked_range<size_t>& r) {
        Local& l = locals.local();
        for (size_t b = r.begin(); b < r.end(); ++b) {
          size_t begin = b * kBlockRows, end = std::min(n, begin + kBlockRows);
          size_t words = (end - begin + 63) / 64;
          l.scratch.block = static_cast<uint32_t>(b);
          uint64_t all[kWords];
          for (size_t w = 0; w < kWords; ++w)
            all[w] = w < words ? tail_mask(end - begin - w * 64) : 0;
          for (size_t p = 0; p < np; ++p) {
            const Masks& m = plan.eval(plan.roots[p], begin, end, all, l.scratch);
            Acc& a = l.acc[p];
            for (size_t w = 0; w < words; ++w) {
              // Bits past the end of the table (last block) are not rows.
              uint64_t rows_here = tail_mask(end - begin - w * 64);
              uint64_t t = m.t[w] & rows_here;
              a.match += std::popcount(t);
              a.possible += std::popcount(~(t | m.f[w]) & rows_here);
              while (t) {
                size_t row = begin + w * 64 + static_cast<size_t>(std::countr_zero(t));
                t &= t - 1;
                a.id_sum += ids[row];
                if (!plan.const_award[p]) a.award_fen += plan.award(p, row);
              }
            }
          }
        }
      });
  std::vector<PolicyCount> out(np);
  for (size_t p = 0; p < np; ++p) out[p].policy = policies_[p]->id;
  for (const Local& l : locals) {
    for (size_t p = 0; p < np; ++p) {
      out[p].match += l.acc[p].match;
      out[p].possible += l.acc[p].possible;
      out[p].id_sum += l.acc[p].id_sum;
      int128_t fen = l.acc[p].award_fen;
      out[p].award_sum = *add(out[p].award_sum, Decimal::from_parts(fen, 2));
    }
  }
  for (size_t p = 0; p < np; ++p) {
    if (plan.const_award[p]) {
      auto total =
          mul(Decimal::from_parts(*plan.const_award[p], 2), Decimal::from_int(out[p].match));
      out[p].award_sum = total ? *total : Decimal();
    }
    out[p].award_sum = out[p].award_sum.normalized();
  }
  return out;
}

void Engine::match_row(size_t row, std::vector<RowResult>& out) const {
  const Plan& plan = *plan_;
  out.resize(policies_.size());
  std::vector<uint8_t> memo(plan.nodes.size(), 0);
  for (size_t p = 0; p < policies_.size(); ++p) {
    RowResult& r = out[p];
    r.verdict = plan.eval_row(plan.roots[p], row, memo);
    r.award = Decimal();
    if (r.verdict == Tri::kTrue && plan.awards[p]) {
      int64_t fen = plan.award(p, row);
      r.award = Decimal::from_parts(fen, 2).normalized();
    }
  }
}

Engine::Scan Engine::scan(const portrait::Policy& policy) const {
  Plan plan(table_, ctx_, *indexes_);
  plan.add_policy(policy);
  plan.finish();
  size_t n = table_.rows();
  size_t blocks = (n + kBlockRows - 1) / kBlockRows;
  Scan out;
  out.match.resize(n);
  out.possible.resize(n);
  struct Local {
    Plan::Scratch scratch;
    int64_t match = 0, possible = 0;
    std::vector<std::pair<uint32_t, int64_t>> awards;
  };
  tbb::enumerable_thread_specific<Local> locals([&] {
    Local l;
    l.scratch.masks.resize(plan.nodes.size());
    l.scratch.stamp.assign(plan.nodes.size(), UINT32_MAX);
    l.scratch.full.assign(plan.nodes.size(), UINT32_MAX);
    return l;
  });
  tbb::parallel_for(tbb::blocked_range<size_t>(0, blocks, 1),
                    [&](const tbb::blocked_range<size_t>& r) {
                      Local& l = locals.local();
                      for (size_t b = r.begin(); b < r.end(); ++b) {
                        size_t begin = b * kBlockRows, end = std::min(n, begin + kBlockRows);
                        size_t words = (end - begin + 63) / 64;
                        l.scratch.block = static_cast<uint32_t>(b);
                        uint64_t all[kWords];
                        for (size_t w = 0; w < kWords; ++w)
                          all[w] = w < words ? tail_mask(end - begin - w * 64) : 0;
                        const Masks& m = plan.eval(plan.roots[0], begin, end, all, l.scratch);
                        for (size_t w = 0; w < words; ++w) {
                          uint64_t rows_here = tail_mask(end - begin - w * 64);
                          uint64_t t = m.t[w] & rows_here;
                          uint64_t u = ~(t | m.f[w]) & rows_here;
                          out.match.words()[begin / 64 + w] = t;  // blocks own disjoint words
                          out.possible.words()[begin / 64 + w] = u;
                          l.match += std::popcount(t);
                          l.possible += std::popcount(u);
                          while (t) {
                            size_t row = begin + w * 64 + static_cast<size_t>(std::countr_zero(t));
                            t &= t - 1;
                            int64_t fen = plan.awards[0] ? plan.award(0, row) : 0;
                            l.awards.emplace_back(static_cast<uint32_t>(row), fen);
                          }
                        }
                      }
                    });
  int128_t fen = 0;
  for (Local& l : locals) {
    out.match_count += l.match;
    out.possible_count += l.possible;
    for (const auto& a : l.awards) fen += a.second;
    out.awards_fen.insert(out.awards_fen.end(), l.awards.begin(), l.awards.end());
  }
  std::sort(out.awards_fen.begin(), out.awards_fen.end());
  out.award_sum = Decimal::from_parts(fen, 2).normalized();
  return out;
}

}  // namespace zhida::match
