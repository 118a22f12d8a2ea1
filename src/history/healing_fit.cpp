#include "history/healing_fit.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "colour/delta_e.hpp"

namespace shadematch::history {

namespace {

using pigment::HealingParameter;
using pigment::HealingParams;

// Central-difference step in units of the prior width: small against any curvature of the model
// over a prior width, large against rounding (the model is smooth to ~1e-12 relative).
constexpr double kJacobianStep = 1e-4;
// Convergence: relative decrease of E below this, or a step below this (prior-width units).
constexpr double kTolerance = 1e-10;

using Matrix = std::vector<std::vector<double>>;

// Solves A x = b for a small symmetric positive definite A (Cholesky). False when not PD.
bool solve_spd(Matrix a, std::vector<double> b, std::vector<double>& x) {
  const std::size_t n = b.size();
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j][j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j][k] * a[j][k];
    if (!(d > 0.0)) return false;
    a[j][j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i][j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i][k] * a[j][k];
      a[i][j] = s / a[j][j];
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) s -= a[i][k] * b[k];
    b[i] = s / a[i][i];
  }
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[k][i] * b[k];
    b[i] = s / a[i][i];
  }
  x = std::move(b);
  return true;
}

// Inverse of a small SPD matrix, column by column.
bool invert_spd(const Matrix& a, Matrix& inverse) {
  const std::size_t n = a.size();
  inverse.assign(n, std::vector<double>(n, 0.0));
  for (std::size_t c = 0; c < n; ++c) {
    std::vector<double> e(n, 0.0), x;
    e[c] = 1.0;
    if (!solve_spd(a, e, x)) return false;
    for (std::size_t r = 0; r < n; ++r) inverse[r][c] = x[r];
  }
  return true;
}

class Problem {
 public:
  Problem(const pigment::Palette& palette, const std::vector<const HealedObservation*>& obs, double sigma)
      : palette_(palette), obs_(obs), sigma_(sigma), table_(pigment::healing_parameter_table()) {}

  std::size_t p() const { return table_.size(); }
  std::size_t rows() const { return 3 * obs_.size() + p(); }

  // u (prior-width units) ↔ θ.
  HealingParams params(const std::vector<double>& u) const {
    HealingParams h = palette_.healing;
    for (std::size_t j = 0; j < p(); ++j) set(h, table_[j], table_[j].default_value + u[j] * table_[j].prior_width);
    return h;
  }
  double lower(std::size_t j) const { return (table_[j].lower - table_[j].default_value) / table_[j].prior_width; }
  double upper(std::size_t j) const { return (table_[j].upper - table_[j].default_value) / table_[j].prior_width; }
  std::vector<double> to_u(const HealingParams& h) const {
    std::vector<double> u(p());
    for (std::size_t j = 0; j < p(); ++j) {
      u[j] = std::clamp((get(h, table_[j]) - table_[j].default_value) / table_[j].prior_width, lower(j), upper(j));
    }
    return u;
  }

  std::vector<double> residuals(const std::vector<double>& u) const {
    std::vector<double> r;
    r.reserve(rows());
    const HealingParams h = params(u);
    for (const HealedObservation* o : obs_) {
      const colour::Lab pred = predict_healed(palette_, h, o->blend, o->skin);
      const std::array<double, 3> c = colour::delta_e_2000_components(o->healed, pred);
      for (double v : c) r.push_back(v / sigma_);
    }
    for (std::size_t j = 0; j < p(); ++j) r.push_back(u[j]);
    return r;
  }

  Matrix jacobian(const std::vector<double>& u) const {
    Matrix jac(rows(), std::vector<double>(p(), 0.0));
    for (std::size_t j = 0; j < p(); ++j) {
      std::vector<double> up = u, down = u;
      up[j] = std::min(upper(j), u[j] + kJacobianStep);
      down[j] = std::max(lower(j), u[j] - kJacobianStep);
      const double span = up[j] - down[j];
      const std::vector<double> rp = residuals(up), rd = residuals(down);
      for (std::size_t i = 0; i < rows(); ++i) jac[i][j] = (rp[i] - rd[i]) / span;
    }
    return jac;
  }

 private:
  const pigment::Palette& palette_;
  std::vector<const HealedObservation*> obs_;
  double sigma_;
  const std::vector<HealingParameter>& table_;
};

double sum_squares(const std::vector<double>& r) {
  double s = 0.0;
  for (double v : r) s += v * v;
  return s;
}

struct Solution {
  std::vector<double> u;
  Matrix jac;
  std::vector<double> r;
  int iterations = 0;
  bool converged = false;
};

Solution minimise(const Problem& problem, std::vector<double> u, int max_iterations) {
  const std::size_t p = problem.p();
  std::vector<double> r = problem.residuals(u);
  double cost = sum_squares(r);
  double lambda = 1e-3;
  Solution out;
  int it = 0;
  for (; it < max_iterations; ++it) {
    const Matrix jac = problem.jacobian(u);
    std::vector<double> g(p, 0.0);
    Matrix a(p, std::vector<double>(p, 0.0));
    for (std::size_t i = 0; i < r.size(); ++i) {
      for (std::size_t j = 0; j < p; ++j) {
        g[j] += jac[i][j] * r[i];
        for (std::size_t k = 0; k < p; ++k) a[j][k] += jac[i][j] * jac[i][k];
      }
    }
    // Free parameters: not pressed against a bound by the gradient (descent goes along −g).
    std::vector<std::size_t> free;
    for (std::size_t j = 0; j < p; ++j) {
      const bool at_lower = u[j] <= problem.lower(j) && g[j] > 0.0;
      const bool at_upper = u[j] >= problem.upper(j) && g[j] < 0.0;
      if (!at_lower && !at_upper) free.push_back(j);
    }
    if (free.empty()) {
      out.converged = true;
      break;
    }
    bool accepted = false;
    double step = 0.0, new_cost = cost;
    while (lambda < 1e12) {
      Matrix af(free.size(), std::vector<double>(free.size()));
      std::vector<double> bf(free.size());
      for (std::size_t x = 0; x < free.size(); ++x) {
        for (std::size_t y = 0; y < free.size(); ++y) af[x][y] = a[free[x]][free[y]];
        af[x][x] += lambda * std::max(a[free[x]][free[x]], 1e-12);
        bf[x] = -g[free[x]];
      }
      std::vector<double> delta;
      if (solve_spd(af, bf, delta)) {
        std::vector<double> trial = u;
        for (std::size_t x = 0; x < free.size(); ++x) {
          const std::size_t j = free[x];
          trial[j] = std::clamp(u[j] + delta[x], problem.lower(j), problem.upper(j));
        }
        const std::vector<double> tr = problem.residuals(trial);
        const double tc = sum_squares(tr);
        if (tc < cost) {
          step = 0.0;
          for (std::size_t j = 0; j < p; ++j) step = std::max(step, std::abs(trial[j] - u[j]));
          u = std::move(trial);
          r = tr;
          new_cost = tc;
          accepted = true;
          lambda = std::max(lambda / 3.0, 1e-12);
          break;
        }
      }
      lambda *= 4.0;
    }
    if (!accepted) {  // no step lowers E: a (bounded) minimum
      out.converged = true;
      break;
    }
    const double decrease = cost - new_cost;
    cost = new_cost;
    if (decrease <= kTolerance * (1.0 + cost) || step <= kTolerance) {
      out.converged = true;
      ++it;
      break;
    }
  }
  out.iterations = it;
  out.jac = problem.jacobian(u);
  out.r = r;
  out.u = std::move(u);
  return out;
}

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

int minimum_records_to_write(std::size_t parameters) {
  return std::max(8, 2 * static_cast<int>(parameters));
}

colour::Lab predict_healed(const pigment::Palette& palette, const pigment::HealingParams& params,
                           const pigment::Blend& blend, const colour::Lab& skin) {
  pigment::Palette tuned = palette;
  tuned.healing = params;
  const pigment::InkInSkinModel model(tuned, skin);
  return model.healed_dot_lab(blend);
}

HealingFit fit_healing(const pigment::Palette& palette, const std::vector<HealedObservation>& observations,
                       const FitOptions& options) {
  if (!(options.measurement_sigma > 0.0) || options.folds < 2) throw std::invalid_argument("fit_healing: bad options");
  const auto& table = pigment::healing_parameter_table();
  HealingFit fit;
  fit.records = observations.size();
  std::vector<const HealedObservation*> all;
  for (const HealedObservation& o : observations) all.push_back(&o);

  for (const HealedObservation& o : observations) {
    fit.de00_before_per_record.push_back(
        colour::delta_e_2000(o.healed, predict_healed(palette, palette.healing, o.blend, o.skin)));
  }
  fit.cv_de00_before = mean(fit.de00_before_per_record);
  for (double d : fit.de00_before_per_record) fit.max_de00_before = std::max(fit.max_de00_before, d);

  // Every record.
  const Problem problem(palette, all, options.measurement_sigma);
  const std::vector<double> start = problem.to_u(palette.healing);
  const Solution s = minimise(problem, start, options.max_iterations);
  fit.fitted = problem.params(s.u);
  fit.iterations = s.iterations;
  fit.converged = s.converged;
  {
    double in_sample = 0.0;
    for (const HealedObservation& o : observations) {
      in_sample += colour::delta_e_2000(o.healed, predict_healed(palette, fit.fitted, o.blend, o.skin));
    }
    fit.de00_after = observations.empty() ? 0.0 : in_sample / static_cast<double>(observations.size());
  }
  // Uncertainty (Laplace): Cov_u = (JᵀJ)⁻¹, inflated by the data residuals' scatter beyond σ.
  const std::size_t p = table.size();
  Matrix a(p, std::vector<double>(p, 0.0));
  for (const auto& row : s.jac) {
    for (std::size_t j = 0; j < p; ++j) {
      for (std::size_t k = 0; k < p; ++k) a[j][k] += row[j] * row[k];
    }
  }
  Matrix cov;
  const bool invertible = invert_spd(a, cov);
  double data_ss = 0.0;
  for (std::size_t i = 0; i < 3 * observations.size(); ++i) data_ss += s.r[i] * s.r[i];
  const double dof = static_cast<double>(3 * observations.size()) - static_cast<double>(p);
  const double inflate = dof > 0.0 ? std::max(1.0, data_ss / dof) : 1.0;
  for (std::size_t j = 0; j < p; ++j) {
    ParameterEstimate e;
    e.name = std::string(table[j].name);
    e.before = get(palette.healing, table[j]);
    e.value = get(fit.fitted, table[j]);
    e.uncertainty =
        invertible ? table[j].prior_width * std::sqrt(std::max(0.0, cov[j][j] * inflate)) : table[j].prior_width;
    e.default_value = table[j].default_value;
    e.lower = table[j].lower;
    e.upper = table[j].upper;
    e.prior_width = table[j].prior_width;
    e.at_bound = s.u[j] <= problem.lower(j) + 1e-9 || s.u[j] >= problem.upper(j) - 1e-9;
    fit.parameters.push_back(e);
  }

  // k-fold cross-validation of the refit.
  const std::size_t n = observations.size();
  fit.folds = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(options.folds), n));
  fit.cv_de00_after_per_record.assign(n, 0.0);
  if (fit.folds >= 2) {
    for (int f = 0; f < fit.folds; ++f) {
      std::vector<const HealedObservation*> train;
      for (std::size_t i = 0; i < n; ++i) {
        if (static_cast<int>(i % static_cast<std::size_t>(fit.folds)) != f) train.push_back(&observations[i]);
      }
      const Problem fold(palette, train, options.measurement_sigma);
      const Solution fs = minimise(fold, fold.to_u(palette.healing), options.max_iterations);
      const HealingParams h = fold.params(fs.u);
      for (std::size_t i = 0; i < n; ++i) {
        if (static_cast<int>(i % static_cast<std::size_t>(fit.folds)) != f) continue;
        const HealedObservation& o = observations[i];
        fit.cv_de00_after_per_record[i] = colour::delta_e_2000(o.healed, predict_healed(palette, h, o.blend, o.skin));
      }
    }
  } else {
    // One record cannot be cross-validated: its held-out figure is the prior alone (the defaults).
    for (std::size_t i = 0; i < n; ++i) {
      HealingParams d = palette.healing;
      for (const auto& row : table) set(d, row, row.default_value);
      fit.cv_de00_after_per_record[i] = colour::delta_e_2000(
          observations[i].healed, predict_healed(palette, d, observations[i].blend, observations[i].skin));
    }
  }
  fit.cv_de00_after = mean(fit.cv_de00_after_per_record);
  for (double d : fit.cv_de00_after_per_record) fit.max_cv_de00_after = std::max(fit.max_cv_de00_after, d);
  return fit;
}

}  // namespace shadematch::history
