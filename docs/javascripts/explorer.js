/* LR Atlas scheduler explorer.
 *
 * Plain JavaScript, no dependencies. Two parts:
 *
 * 1. window.LRAtlasSchedules: one pure function per scheduler, (params, steps) -> [lr, ...],
 *    the learning rate used by each of `steps` optimizer steps. Each mirrors torch's own
 *    step-by-step arithmetic (the recursive "chainable" forms, in torch's operation order)
 *    and raises what torch raises, with torch's message, as a TorchError. The test suite
 *    (tests/site/test_explorer.py) compares them with torch in Chromium.
 * 2. The explorer page (docs/explorer.md): built into #lr-explorer on every page load that
 *    has that element, including Material's instant navigation (document$).
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- Python semantics

  class TorchError extends Error {
    constructor(type, message) {
      super(message);
      this.type = type; // "ValueError", "ZeroDivisionError", ...
      this.at = null; // 0: when created; t: raised by the t-th scheduler.step()
      this.lrs = []; // the learning rates used before the error
    }
  }

  const isInt = Number.isInteger;

  /** repr() of a Python float (shortest round-trip digits, Python's layout). */
  function pyFloat(x) {
    if (Number.isNaN(x)) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    const [mantissa, exponentText] = x.toExponential().split("e");
    const exponent = parseInt(exponentText, 10);
    const sign = mantissa.startsWith("-") ? "-" : "";
    const digits = mantissa.replace("-", "").replace(".", "");
    if (exponent < -4 || exponent >= 16) {
      const rest = digits.slice(1);
      const e = Math.abs(exponent).toString().padStart(2, "0");
      return `${sign}${digits[0]}${rest ? "." + rest : ""}e${exponent < 0 ? "-" : "+"}${e}`;
    }
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
  }

  /** str() of a parameter value as the shown Python code has it. */
  function pyRepr(value, type) {
    if (value === null || value === undefined) return "None";
    if (type === "bool") return value ? "True" : "False";
    if (type === "choice" || type === "fn") return `'${value}'`;
    if (type === "list") return `[${value.map((v) => pyRepr(v, "int")).join(", ")}]`;
    if (type === "int" && isInt(value)) return String(value);
    return pyFloat(value); // floats, and a fraction typed where an int belongs
  }

  const zeroDivision = (message) => new TorchError("ZeroDivisionError", message);

  /** a / b where Python has a float on either side. */
  function div(a, b) {
    if (b === 0) throw zeroDivision("float division by zero");
    return a / b;
  }

  /** a / b where both may be Python ints (true division). */
  function tdiv(a, b) {
    if (b === 0) throw zeroDivision(isInt(a) ? "division by zero" : "float division by zero");
    return a / b;
  }

  /** a % b == 0 for Python numbers (the sign convention differs, zero does not). */
  function divisible(a, b) {
    if (b === 0) throw zeroDivision(isInt(a) ? "integer modulo by zero" : "float modulo");
    return a % b === 0;
  }

  /** x ** y for a Python float x. */
  function pow(x, y) {
    if (x === 0 && y < 0) throw zeroDivision("0.0 cannot be raised to a negative power");
    const result = Math.pow(x, y);
    if (!Number.isFinite(result) && Number.isFinite(x) && Number.isFinite(y)) {
      throw new TorchError("OverflowError", "(34, 'Numerical result out of range')");
    }
    return result;
  }

  // ---------------------------------------------------------------- the schedules

  /** SGD's own check, made when the optimizer is created, before any scheduler. */
  function sgd(lr) {
    if (lr < 0.0) throw new TorchError("ValueError", `Invalid learning rate: ${pyFloat(lr)}`);
  }

  /**
   * The loop every test and figure uses: optimizer.step(), record the LR it used,
   * scheduler.step(). `first()` is the LR the constructor leaves; `next(t, lr)` is the LR
   * after the t-th scheduler.step(). The last scheduler.step() runs too, so an error it
   * raises is raised here.
   */
  function record(steps, first, next) {
    const lrs = [];
    let t = 0;
    try {
      let lr = first();
      for (t = 1; t <= steps; t++) {
        lrs.push(lr);
        lr = next(t, lr);
      }
    } catch (error) {
      if (error instanceof TorchError) {
        error.at = t;
        error.lrs = lrs;
      }
      throw error;
    }
    return lrs;
  }

  function checkConstantFactor(factor) {
    if (factor > 1.0 || factor < 0) {
      throw new TorchError(
        "ValueError",
        "Constant multiplicative factor expected to be between 0 and 1."
      );
    }
  }

  function checkLinearFactors(start, end) {
    if (start > 1.0 || start <= 0) {
      throw new TorchError(
        "ValueError",
        "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
      );
    }
    if (end > 1.0 || end < 0) {
      throw new TorchError("ValueError", "Ending multiplicative factor expected to be between 0 and 1.");
    }
  }

  /** LinearLR.get_lr() at step t >= 1 (the chainable form). */
  function linearNext(lr, t, start, end, total) {
    if (t > total) return lr;
    return lr * (1.0 + div(end - start, total * start + (t - 1) * (end - start)));
  }

  /** CosineAnnealingLR.get_lr() at step t >= 1 (the chainable form). */
  function cosineNext(lr, t, base, tMax, etaMin) {
    if (divisible(t - 1 - tMax, 2 * tMax)) {
      return lr + ((base - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    }
    return (
      div(1 + Math.cos((Math.PI * t) / tMax), 1 + Math.cos((Math.PI * (t - 1)) / tMax)) *
        (lr - etaMin) +
      etaMin
    );
  }

  /** The factor functions offered for LambdaLR and MultiplicativeLR: JS and Python text. */
  const FACTOR_FUNCTIONS = {
    LambdaLR: {
      warmup_linear_decay: {
        label: "linear warm-up, then linear decay to 0",
        params: ["warmup", "total"],
        python: (p) =>
          `lambda epoch: (epoch + 1) / ${pyRepr(p.warmup, "int")} if epoch < ${pyRepr(p.warmup, "int")} ` +
          `else max(0.0, (${pyRepr(p.total, "int")} - epoch) / (${pyRepr(p.total, "int")} - ${pyRepr(p.warmup, "int")}))`,
        js: (t, p) =>
          t < p.warmup ? tdiv(t + 1, p.warmup) : Math.max(0.0, tdiv(p.total - t, p.total - p.warmup)),
      },
      warmup_constant: {
        label: "linear warm-up, then constant",
        params: ["warmup"],
        python: (p) => `lambda epoch: min(1.0, (epoch + 1) / ${pyRepr(p.warmup, "int")})`,
        js: (t, p) => Math.min(1.0, tdiv(t + 1, p.warmup)),
      },
      warmup_inverse_sqrt: {
        label: "linear warm-up, then 1/√step",
        params: ["warmup"],
        python: (p) =>
          `lambda epoch: min((epoch + 1) / ${pyRepr(p.warmup, "int")}, ` +
          `(${pyRepr(p.warmup, "int")} / (epoch + 1)) ** 0.5)`,
        js: (t, p) => {
          const ramp = tdiv(t + 1, p.warmup);
          const ratio = tdiv(p.warmup, t + 1);
          if (ratio < 0) {
            // a negative float ** 0.5 is a complex number in Python, and min() cannot compare it
            throw new TorchError("TypeError", "'<' not supported between instances of 'complex' and 'float'");
          }
          return Math.min(ramp, Math.pow(ratio, 0.5));
        },
      },
      exponential: {
        label: "gamma ** epoch",
        params: ["gamma"],
        python: (p) => `lambda epoch: ${pyRepr(p.gamma, "float")} ** epoch`,
        js: (t, p) => pow(p.gamma, t),
      },
    },
    MultiplicativeLR: {
      hold_then_decay: {
        label: "hold, then × gamma every step",
        params: ["hold", "gamma"],
        python: (p) => `lambda epoch: 1.0 if epoch < ${pyRepr(p.hold, "int")} else ${pyRepr(p.gamma, "float")}`,
        js: (t, p) => (t < p.hold ? 1.0 : p.gamma),
      },
      constant: {
        label: "× gamma every step",
        params: ["gamma"],
        python: (p) => `lambda epoch: ${pyRepr(p.gamma, "float")}`,
        js: (t, p) => p.gamma,
      },
      step_every: {
        label: "× gamma every n-th step",
        params: ["every", "gamma"],
        python: (p) =>
          `lambda epoch: ${pyRepr(p.gamma, "float")} if epoch % ${pyRepr(p.every, "int")} == 0 else 1.0`,
        js: (t, p) => (divisible(t, p.every) ? p.gamma : 1.0),
      },
    },
  };

  function factorFunction(scheduler, name) {
    const fn = FACTOR_FUNCTIONS[scheduler][name];
    if (!fn) throw new InputError(`There is no factor function called ${JSON.stringify(name)}.`);
    return fn;
  }

  const Schedules = {
    LambdaLR(p, steps) {
      sgd(p.lr);
      const fn = factorFunction("LambdaLR", p.fn);
      // base_lr * lr_lambda(last_epoch), from step 0 on: the constructor calls lr_lambda(0)
      return record(steps, () => p.lr * fn.js(0, p), (t) => p.lr * fn.js(t, p));
    },

    MultiplicativeLR(p, steps) {
      sgd(p.lr);
      const fn = factorFunction("MultiplicativeLR", p.fn);
      // the current LR times lr_lambda(t); lr_lambda(0) is never called
      return record(steps, () => p.lr, (t, lr) => lr * fn.js(t, p));
    },

    StepLR(p, steps) {
      sgd(p.lr);
      return record(steps, () => p.lr, (t, lr) => (divisible(t, p.step_size) ? lr * p.gamma : lr));
    },

    MultiStepLR(p, steps) {
      sgd(p.lr);
      const counts = new Map(); // collections.Counter(milestones): repeats multiply
      for (const m of p.milestones) counts.set(m, (counts.get(m) || 0) + 1);
      const at = (t, lr) => (counts.has(t) ? lr * pow(p.gamma, counts.get(t)) : lr);
      return record(steps, () => at(0, p.lr), at); // a milestone 0 applies when created
    },

    ConstantLR(p, steps) {
      sgd(p.lr);
      checkConstantFactor(p.factor);
      return record(
        steps,
        () => p.lr * p.factor,
        (t, lr) => (t !== p.total_iters ? lr : lr * div(1.0, p.factor))
      );
    },

    LinearLR(p, steps) {
      sgd(p.lr);
      checkLinearFactors(p.start_factor, p.end_factor);
      return record(
        steps,
        () => p.lr * p.start_factor,
        (t, lr) => linearNext(lr, t, p.start_factor, p.end_factor, p.total_iters)
      );
    },

    ExponentialLR(p, steps) {
      sgd(p.lr);
      return record(steps, () => p.lr, (t, lr) => lr * p.gamma);
    },

    SequentialLR(p, steps) {
      // LinearLR(start_factor, total_iters=warmup_iters) -> CosineAnnealingLR(T_max, eta_min)
      // handing over at milestones=[milestone]
      sgd(p.lr);
      checkLinearFactors(p.start_factor, 1.0);
      const m = p.milestone;
      let linearStep = -1;
      let cosineStep = -1;
      return record(
        steps,
        () => {
          // SequentialLR resets the LR to the initial one and re-initialises the child
          // that bisect_right(milestones, 0) picks
          if (m <= 0) {
            cosineStep = 0;
            return p.lr;
          }
          linearStep = 0;
          return p.lr * p.start_factor;
        },
        (t, lr) => {
          if (m <= t) {
            if (m === t) {
              // the incoming child restarts at its step 0, from its closed form
              cosineStep = 0;
              return p.eta_min + ((p.lr - p.eta_min) * (1 + Math.cos(div(Math.PI * 0, p.T_max)))) / 2;
            }
            cosineStep += 1;
            return cosineNext(lr, cosineStep, p.lr, p.T_max, p.eta_min);
          }
          linearStep += 1;
          return linearNext(lr, linearStep, p.start_factor, 1.0, p.warmup_iters);
        }
      );
    },

    CosineAnnealingLR(p, steps) {
      sgd(p.lr);
      return record(steps, () => p.lr, (t, lr) => cosineNext(lr, t, p.lr, p.T_max, p.eta_min));
    },

    ChainedScheduler(p, steps) {
      // ConstantLR(factor, total_iters) and ExponentialLR(gamma), stepped together
      sgd(p.lr);
      checkConstantFactor(p.factor);
      return record(
        steps,
        () => p.lr * p.factor,
        (t, lr) => {
          const constant = t !== p.total_iters ? lr : lr * div(1.0, p.factor);
          return constant * p.gamma;
        }
      );
    },

    CyclicLR(p, steps) {
      const up = p.step_size_up;
      const down = p.step_size_down === null || p.step_size_down === undefined ? up : p.step_size_down;
      const total = up + down;
      const ratio = div(up, total);
      if (!["triangular", "triangular2", "exp_range"].includes(p.mode)) {
        throw new TorchError("ValueError", "mode is invalid and scale_fn is None");
      }
      const at = (t) => {
        const cycle = Math.floor(1 + div(t, total));
        const x = 1.0 + div(t, total) - cycle;
        const scale = x <= ratio ? div(x, ratio) : div(x - 1, ratio - 1);
        const height = (p.max_lr - p.base_lr) * scale;
        let factor = 1.0;
        if (p.mode === "triangular2") factor = div(1, pow(2.0, cycle - 1));
        if (p.mode === "exp_range") factor = pow(p.gamma, t);
        return p.base_lr + height * factor;
      };
      return record(steps, () => at(0), (t) => at(t));
    },

    CosineAnnealingWarmRestarts(p, steps) {
      sgd(p.lr);
      if (p.T_0 <= 0 || !isInt(p.T_0)) {
        throw new TorchError("ValueError", `Expected positive integer T_0, but got ${pyRepr(p.T_0, "int")}`);
      }
      if (p.T_mult < 1 || !isInt(p.T_mult)) {
        throw new TorchError("ValueError", `Expected integer T_mult >= 1, but got ${pyRepr(p.T_mult, "int")}`);
      }
      let tCur = 0;
      let tI = p.T_0;
      const lr = () => p.eta_min + ((p.lr - p.eta_min) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
      return record(steps, lr, () => {
        tCur += 1;
        if (tCur >= tI) {
          tCur = tCur % tI;
          tI = tI * p.T_mult;
        }
        return lr();
      });
    },

    OneCycleLR(p, steps) {
      const total = p.total_steps;
      if (total <= 0 || !isInt(total)) {
        throw new TorchError("ValueError", `Expected positive integer total_steps, but got ${pyRepr(total, "int")}`);
      }
      const pct = p.pct_start;
      const phases = p.three_phase
        ? [
            { end: pct * total - 1, from: "initial", to: "max" },
            { end: 2 * pct * total - 2, from: "max", to: "initial" },
            { end: total - 1, from: "initial", to: "min" },
          ]
        : [
            { end: pct * total - 1, from: "initial", to: "max" },
            { end: total - 1, from: "max", to: "min" },
          ];
      if (pct < 0 || pct > 1) {
        throw new TorchError("ValueError", `Expected float between 0 and 1 pct_start, but got ${pyFloat(pct)}`);
      }
      if (!["cos", "linear"].includes(p.anneal_strategy)) {
        throw new TorchError(
          "ValueError",
          `anneal_strategy must be one of 'cos' or 'linear', instead got ${p.anneal_strategy}`
        );
      }
      const initial = div(p.max_lr, p.div_factor);
      const lrs = { initial, max: p.max_lr, min: div(initial, p.final_div_factor) };
      const anneal =
        p.anneal_strategy === "cos"
          ? (start, end, x) => end + ((start - end) / 2.0) * (Math.cos(Math.PI * x) + 1)
          : (start, end, x) => (end - start) * x + start;
      const at = (t) => {
        if (t > total) {
          throw new TorchError(
            "ValueError",
            `Tried to step ${t} times. The specified number of total steps is ${total}`
          );
        }
        let start = 0.0;
        for (let i = 0; i < phases.length; i++) {
          const phase = phases[i];
          if (t <= phase.end || i === phases.length - 1) {
            return anneal(lrs[phase.from], lrs[phase.to], div(t - start, phase.end - start));
          }
          start = phase.end;
        }
        return NaN; // not reached: the last phase always answers
      };
      return record(steps, () => at(0), (t) => at(t));
    },

    PolynomialLR(p, steps) {
      sgd(p.lr);
      return record(steps, () => p.lr, (t, lr) => {
        if (t > p.total_iters) return lr;
        const ratio = div(1.0 - tdiv(t, p.total_iters), 1.0 - tdiv(t - 1, p.total_iters));
        return lr * pow(ratio, p.power);
      });
    },
  };

  // ---------------------------------------------------------------- parameters

  class InputError extends Error {}

  const fitSteps = (s) => Math.max(1, s);
  const LR = { name: "lr", type: "float", label: "lr", hint: "the optimizer's learning rate, ≥ 0", min: 0, number: true };
  const GAMMA_DECAY = { name: "gamma", type: "float", min: 0, max: 1, step: 0.01 };
  const FACTOR_FN = { name: "fn", type: "fn", label: "lr_lambda" };

  /** Per scheduler: reference page, parameters (ranges from the reference pages), the page's example. */
  const SPEC = {
    StepLR: {
      page: "step-lr",
      params: [LR, { name: "step_size", type: "int", min: 1, max: "steps", hint: "a positive integer; not checked" }, GAMMA_DECAY],
      example: { lr: 0.1, step_size: 10, gamma: 0.5, steps: 40 },
    },
    MultiStepLR: {
      page: "multi-step-lr",
      params: [LR, { name: "milestones", type: "list", hint: "integers, any order, repeats allowed" }, GAMMA_DECAY],
      example: { lr: 0.1, milestones: [15, 25, 30], gamma: 0.5, steps: 35 },
    },
    ConstantLR: {
      page: "constant-lr",
      params: [
        LR,
        { name: "factor", type: "float", min: 0, max: 1, step: 0.01, hint: "0 ≤ factor ≤ 1, checked" },
        { name: "total_iters", type: "int", min: 0, max: "steps" },
      ],
      example: { lr: 0.1, factor: 0.25, total_iters: 8, steps: 30 },
    },
    LinearLR: {
      page: "linear-lr",
      params: [
        LR,
        { name: "start_factor", type: "float", min: 0.01, max: 1, step: 0.01, hint: "0 < start_factor ≤ 1, checked" },
        { name: "end_factor", type: "float", min: 0, max: 1, step: 0.01, hint: "0 ≤ end_factor ≤ 1, checked" },
        { name: "total_iters", type: "int", min: 0, max: "steps" },
      ],
      example: { lr: 0.1, start_factor: 0.1, end_factor: 1.0, total_iters: 10, steps: 30 },
    },
    ExponentialLR: {
      page: "exponential-lr",
      params: [LR, { name: "gamma", type: "float", min: 0.5, max: 1, step: 0.005 }],
      example: { lr: 0.1, gamma: 0.9, steps: 40 },
    },
    PolynomialLR: {
      page: "polynomial-lr",
      params: [
        LR,
        { name: "total_iters", type: "int", min: 1, max: "steps", fromSteps: fitSteps },
        { name: "power", type: "float", min: 0.1, max: 5, step: 0.1, hint: "power > 0; not checked" },
      ],
      example: { lr: 0.1, total_iters: 40, power: 2.0, steps: 40 },
    },
    CosineAnnealingLR: {
      page: "cosine-annealing-lr",
      params: [
        LR,
        { name: "T_max", type: "int", min: 1, max: "steps", fromSteps: fitSteps, hint: "a positive integer; not checked" },
        { name: "eta_min", type: "float", number: true },
      ],
      example: { lr: 0.1, T_max: 50, eta_min: 0.001, steps: 50 },
    },
    CosineAnnealingWarmRestarts: {
      page: "cosine-annealing-warm-restarts",
      params: [
        LR,
        { name: "T_0", type: "int", min: 1, max: "steps", hint: "a positive integer, checked" },
        { name: "T_mult", type: "int", min: 1, max: 4, hint: "an integer ≥ 1, checked" },
        { name: "eta_min", type: "float", number: true },
      ],
      example: { lr: 0.1, T_0: 5, T_mult: 2, eta_min: 0.001, steps: 35 },
    },
    CyclicLR: {
      page: "cyclic-lr",
      momentum: "CyclicLR cycles the momentum too, and replaces lr with base_lr.",
      comment: ["CyclicLR replaces lr with base_lr and cycles the momentum,", "which the optimizer must therefore have."],
      params: [
        { name: "base_lr", type: "float", number: true },
        { name: "max_lr", type: "float", number: true },
        { name: "step_size_up", type: "int", min: 1, max: "steps", hint: "positive; 0 fails when created" },
        { name: "step_size_down", type: "int", optional: true, number: true, hint: "empty: None, the same as step_size_up" },
        { name: "mode", type: "choice", choices: ["triangular", "triangular2", "exp_range"] },
        { name: "gamma", type: "float", min: 0.9, max: 1, step: 0.001, when: { mode: ["exp_range"] } },
      ],
      example: { base_lr: 0.001, max_lr: 0.1, step_size_up: 16, step_size_down: null, mode: "triangular2", gamma: 1.0, steps: 96 },
    },
    OneCycleLR: {
      page: "one-cycle-lr",
      momentum: "OneCycleLR cycles the momentum too, and replaces lr with max_lr / div_factor.",
      comment: ["OneCycleLR replaces lr with max_lr / div_factor and cycles", "the momentum, which the optimizer must therefore have."],
      params: [
        { name: "max_lr", type: "float", number: true },
        { name: "total_steps", type: "int", min: 1, max: "steps", fromSteps: fitSteps, hint: "a positive integer, checked; stepping past it raises" },
        { name: "pct_start", type: "float", min: 0, max: 1, step: 0.01, hint: "a float in [0, 1], checked" },
        { name: "anneal_strategy", type: "choice", choices: ["cos", "linear"] },
        { name: "div_factor", type: "float", min: 1, max: 100, step: 1 },
        { name: "final_div_factor", type: "float", number: true },
        { name: "three_phase", type: "bool" },
      ],
      example: {
        max_lr: 0.1, total_steps: 80, pct_start: 0.3, anneal_strategy: "cos", div_factor: 25.0,
        final_div_factor: 1e4, three_phase: false, steps: 80,
      },
    },
    LambdaLR: {
      page: "lambda-lr",
      params: [
        LR,
        FACTOR_FN,
        { name: "warmup", type: "int", min: 0, max: "steps" },
        { name: "total", type: "int", min: 1, max: "steps", fromSteps: fitSteps },
        { name: "gamma", type: "float", min: 0.8, max: 1, step: 0.005 },
      ],
      example: { lr: 0.1, fn: "warmup_linear_decay", warmup: 5, total: 40, gamma: 0.95, steps: 40 },
    },
    MultiplicativeLR: {
      page: "multiplicative-lr",
      params: [
        LR,
        FACTOR_FN,
        { name: "hold", type: "int", min: 0, max: "steps" },
        { name: "every", type: "int", min: 1, max: "steps" },
        { name: "gamma", type: "float", min: 0.5, max: 1, step: 0.005 },
      ],
      example: { lr: 0.1, fn: "hold_then_decay", hold: 10, every: 10, gamma: 0.9, steps: 40 },
    },
    SequentialLR: {
      page: "sequential-lr",
      params: [
        LR,
        { name: "start_factor", type: "float", min: 0.01, max: 1, step: 0.01, hint: "LinearLR: 0 < start_factor ≤ 1, checked" },
        { name: "warmup_iters", type: "int", min: 0, max: "steps", hint: "LinearLR's total_iters" },
        { name: "milestone", type: "int", min: 0, max: "steps", hint: "where CosineAnnealingLR takes over" },
        { name: "T_max", type: "int", min: 1, max: "steps", fromSteps: (s) => Math.max(1, s - 5), hint: "counts the cosine's own steps" },
        { name: "eta_min", type: "float", number: true },
      ],
      example: { lr: 0.1, start_factor: 0.1, warmup_iters: 5, milestone: 5, T_max: 35, eta_min: 0.0, steps: 40 },
    },
    ChainedScheduler: {
      page: "chained-scheduler",
      params: [
        LR,
        { name: "factor", type: "float", min: 0, max: 1, step: 0.01, hint: "ConstantLR: 0 ≤ factor ≤ 1, checked" },
        { name: "total_iters", type: "int", min: 0, max: "steps", hint: "ConstantLR" },
        { name: "gamma", type: "float", min: 0.5, max: 1, step: 0.005, hint: "ExponentialLR" },
      ],
      example: { lr: 0.1, factor: 0.1, total_iters: 5, gamma: 0.9, steps: 30 },
    },
  };


  // ---------------------------------------------------------------- modern schedules

  /*
   * The schedules of docs/modern/: Hugging Face's warm-up-then-decay recipes, built from
   * torch.optim.lr_scheduler parts inside a SequentialLR. Each child mirrors torch's own
   * arithmetic: `check` raises what its constructor raises, `init` is its LR when created
   * first, `reset` its closed form at step 0 when SequentialLR hands over to it at a
   * milestone, `next(k, lr)` its chainable step k >= 1. The checks run only when the schedule
   * runs, so that the code a rejected configuration shows can still be written.
   */
  const Child = {
    constant: (factor) => {
      const total = 5; // ConstantLR's default total_iters
      return {
        check: () => checkConstantFactor(factor),
        code: ["ConstantLR", [`factor=${pyFloat(factor)}`, ...(factor === 0 ? ["total_iters=1"] : [])]],
        total: factor === 0 ? 1 : total,
        init: (base) => base * factor,
        reset(base) {
          return base * (factor + (0 >= this.total ? 1 : 0) * (1 - factor));
        },
        next(k, lr) {
          return k !== this.total ? lr : lr * div(1.0, factor);
        },
      };
    },
    linear: (start, end, total, startText) => {
      return {
        check: () => checkLinearFactors(start, end),
        code: ["LinearLR", [`start_factor=${startText || pyFloat(start)}`, `end_factor=${pyFloat(end)}`, `total_iters=${total}`]],
        init: (base) => base * start,
        reset: (base) => base * (start + div((end - start) * Math.min(total, 0), total)),
        next: (k, lr) => linearNext(lr, k, start, end, total),
      };
    },
    cosine: (tMax, etaMin, etaText) => {
      let base = null;
      return {
        code: ["CosineAnnealingLR", [`T_max=${tMax}`, `eta_min=${etaText || pyFloat(etaMin)}`]],
        init: (b) => (base = b),
        reset: (b) => {
          base = b;
          return etaMin + ((b - etaMin) * (1 + Math.cos(div(Math.PI * 0, tMax)))) / 2;
        },
        next: (k, lr) => cosineNext(lr, k, base, tMax, etaMin),
      };
    },
    restarts: (t0) => {
      let base = null;
      let tCur = 0;
      const at = () => (0.0 + ((base - 0.0) * (1 + Math.cos((Math.PI * tCur) / t0))) / 2);
      return {
        code: ["CosineAnnealingWarmRestarts", [`T_0=${t0}`]],
        init: (b) => ((base = b), (tCur = 0), b),
        reset: (b) => ((base = b), at()),
        next: () => {
          tCur += 1;
          if (tCur >= t0) tCur -= t0;
          return at();
        },
      };
    },
    polynomial: (total, power) => ({
      code: ["PolynomialLR", [`total_iters=${total}`, `power=${pyFloat(power)}`]],
      init: (base) => base,
      reset: (base) => base * pow(1.0 - tdiv(Math.min(total, 0), total), power),
      next: (k, lr) => {
        if (k > total) return lr;
        return lr * pow(div(1.0 - tdiv(k, total), 1.0 - tdiv(k - 1, total)), power);
      },
    }),
    lambda: (fn, python) => {
      let base = null;
      return {
        code: ["LambdaLR", [python]],
        init: (b) => (base = b) * fn(0),
        reset: (b) => (base = b) * fn(0),
        next: (k) => base * fn(k),
      };
    },
  };

  function wholeSteps(p, ...names) {
    for (const name of names) {
      if (!isInt(p[name]) || p[name] < 0) throw new InputError(`${name}: a whole number of steps, 0 or more.`);
    }
  }

  /** Hugging Face's warm-up from 0: lr * t / warmup_steps at step t, as [start, name, child]. */
  function warmupFromZero(w) {
    if (w === 0) return [];
    const phases = [[0, "zero", Child.constant(0.0)]];
    if (w === 1) return [...phases, [1, "hold", Child.constant(1.0)]];
    return [...phases, [1, "warmup", Child.linear(1 / w, 1.0, w - 1, `1 / ${w}`)]];
  }

  /** A SequentialLR of phases [start, name, child], the first starting at 0; one phase alone is itself. */
  function sequence(p, steps, phases) {
    sgd(p.lr);
    for (const [, , child] of phases) if (child.check) child.check(); // created in this order
    const starts = phases.map(([start]) => start);
    const active = (t) => {
      let i = 0;
      while (i + 1 < starts.length && starts[i + 1] <= t) i++;
      return i;
    };
    let k = 0;
    return record(
      steps,
      () => phases[active(0)][2].init(p.lr),
      (t, lr) => {
        const i = active(t);
        if (i > 0 && starts[i] === t) {
          k = 0;
          return phases[i][2].reset(p.lr);
        }
        k += 1;
        return phases[i][2].next(k, lr);
      }
    );
  }

  function sequenceCode(phases) {
    const build = (name, [cls, args]) => call(`${name} = ${S}.${cls}`, ["optimizer", ...args]);
    if (phases.length === 1) return [build("scheduler", phases[0][2].code)];
    const lines = phases.map(([, name, child]) => build(name, child.code));
    const names = phases.map(([, name]) => name).join(", ");
    const milestones = phases.slice(1).map(([start]) => start).join(", ");
    lines.push(call(`scheduler = ${S}.SequentialLR`, ["optimizer", `[${names}]`, `milestones=[${milestones}]`]));
    return lines;
  }

  const MODERN = {
    WarmupLinearDecay: (p) => {
      wholeSteps(p, "warmup_steps", "total_steps");
      const w = p.warmup_steps;
      return [...warmupFromZero(w), [w, "decay", Child.linear(1.0, 0.0, p.total_steps - w)]];
    },
    WarmupCosineMinLR: (p) => {
      wholeSteps(p, "warmup_steps", "total_steps");
      const w = p.warmup_steps;
      const etaMin = p.min_lr_rate * p.lr;
      const decay = Child.cosine(p.total_steps - w, etaMin, `${pyFloat(p.min_lr_rate)} * ${pyFloat(p.lr)}`);
      return [...warmupFromZero(w), [w, "decay", decay]];
    },
    WarmupCosineHardRestarts: (p) => {
      wholeSteps(p, "warmup_steps", "total_steps");
      const w = p.warmup_steps;
      const length = p.total_steps - w;
      if (!isInt(p.num_cycles) || p.num_cycles < 1 || length % p.num_cycles !== 0) {
        throw new InputError("num_cycles: a whole number that divides total_steps - warmup_steps, so that every cycle has whole steps.");
      }
      return [...warmupFromZero(w), [w, "decay", Child.restarts(length / p.num_cycles)]];
    },
    WarmupPolynomialDecay: (p) => {
      wholeSteps(p, "warmup_steps", "total_steps");
      const w = p.warmup_steps;
      const n = p.total_steps - w;
      let decay;
      if (p.lr_end === 0) decay = Child.polynomial(n, p.power);
      else if (p.power === 1) decay = Child.linear(1.0, div(p.lr_end, p.lr), n, null);
      else {
        const [lr, end, power] = [p.lr, p.lr_end, p.power].map((x) => pyFloat(x));
        decay = Child.lambda(
          (k) => div((p.lr - p.lr_end) * pow(1 - tdiv(Math.min(k, n), n), p.power) + p.lr_end, p.lr),
          `lambda step: ((${lr} - ${end}) * (1 - min(step, ${n}) / ${n}) ** ${power} + ${end}) / ${lr}`
        );
      }
      return [...warmupFromZero(w), [w, "decay", decay]];
    },
    WarmupStableDecay: (p) => {
      wholeSteps(p, "warmup_steps", "stable_steps", "decay_steps");
      const [w, s, d, r] = [p.warmup_steps, p.stable_steps, p.decay_steps, p.min_lr_ratio];
      let phases = r === 0 ? warmupFromZero(w) : w ? [[0, "warmup", Child.linear(r, 1.0, w)]] : [];
      if (!phases.length && s > 0) phases = [[0, "stable", Child.constant(1.0)]];
      let decay;
      if (p.decay_type === "linear") decay = Child.linear(1.0, r, d);
      else if (p.decay_type === "cosine") decay = Child.cosine(d, r * p.lr, `${pyFloat(r)} * ${pyFloat(p.lr)}`);
      else if (p.decay_type === "1-sqrt") {
        decay = Child.lambda(
          (k) => r + (1 - r) * (1 - Math.sqrt(tdiv(k, d))),
          `lambda step: ${pyFloat(r)} + (1 - ${pyFloat(r)}) * (1 - (step / ${d}) ** 0.5)`
        );
      } else throw new InputError("decay_type: linear, cosine or 1-sqrt.");
      return [...phases, [w + s, "cooldown", decay]];
    },
    WarmupInverseSqrt: (p) => {
      wholeSteps(p, "warmup_steps", "timescale", "total_steps", "cooldown_steps");
      const w = p.warmup_steps;
      const tau = p.timescale;
      if (tau < 1) throw new InputError("timescale: a whole number of steps, 1 or more.");
      const factor = (k) => Math.pow(tdiv(tau, k + tau), 0.5);
      const phases = [
        ...warmupFromZero(w),
        [w, "decay", Child.lambda(factor, `lambda step: (${tau} / (step + ${tau})) ** 0.5`)],
      ];
      if (p.cooldown_steps > 0) {
        const start = p.total_steps - p.cooldown_steps;
        if (start <= w) throw new InputError("cooldown_steps: the cool-down must start after the warm-up.");
        phases.push([start, "cooldown", Child.linear(factor(start - w), 0.0, p.cooldown_steps)]);
      }
      return phases;
    },
  };

  for (const [name, phasesOf] of Object.entries(MODERN)) {
    Schedules[name] = (p, steps) => {
      sgd(p.lr);
      return sequence(p, steps, phasesOf(p));
    };
  }

  const STEPS = (name, hint) => ({ name, type: "int", min: 0, max: "steps", hint });
  const TOTAL = { name: "total_steps", type: "int", min: 1, max: "steps", fromSteps: fitSteps, hint: "the run's optimizer steps" };
  const MODERN_SPEC = {
    WarmupLinearDecay: {
      label: "Linear warm-up, linear decay to 0 (Hugging Face's default)",
      page: "linear-decay",
      params: [LR, STEPS("warmup_steps", "from 0 at step 0"), TOTAL],
      example: { lr: 0.01, warmup_steps: 16, total_steps: 160, steps: 160 },
    },
    WarmupCosineMinLR: {
      label: "Linear warm-up, cosine to a minimum-LR ratio",
      page: "cosine-to-min-lr",
      params: [LR, STEPS("warmup_steps"), TOTAL, { name: "min_lr_rate", type: "float", min: 0, max: 1, step: 0.01, hint: "the floor as a ratio of lr" }],
      example: { lr: 0.01, warmup_steps: 16, total_steps: 160, min_lr_rate: 0.1, steps: 160 },
    },
    WarmupCosineHardRestarts: {
      label: "Linear warm-up, cosine with hard restarts",
      page: "cosine-hard-restarts",
      params: [LR, STEPS("warmup_steps"), TOTAL, { name: "num_cycles", type: "int", min: 1, max: 10, hint: "must divide total_steps - warmup_steps" }],
      example: { lr: 0.01, warmup_steps: 16, total_steps: 160, num_cycles: 4, steps: 160 },
    },
    WarmupPolynomialDecay: {
      label: "Linear warm-up, polynomial decay to an end LR",
      page: "polynomial-decay",
      params: [
        LR, STEPS("warmup_steps"), TOTAL,
        { name: "power", type: "float", min: 0.1, max: 5, step: 0.1 },
        { name: "lr_end", type: "float", number: true, hint: "0: PolynomialLR; power 1: LinearLR; else LambdaLR" },
      ],
      example: { lr: 0.01, warmup_steps: 16, total_steps: 160, power: 2.0, lr_end: 0.0, steps: 160 },
    },
    WarmupStableDecay: {
      label: "Warm-up, stable, decay (WSD)",
      page: "warmup-stable-decay",
      params: [
        LR, STEPS("warmup_steps"),
        { name: "stable_steps", type: "int", min: 0, max: "steps", fromSteps: (s) => Math.max(0, s - 48) },
        STEPS("decay_steps", "the cool-down"),
        { name: "decay_type", type: "choice", choices: ["linear", "cosine", "1-sqrt"] },
        { name: "min_lr_ratio", type: "float", min: 0, max: 1, step: 0.01 },
      ],
      example: { lr: 0.01, warmup_steps: 16, stable_steps: 112, decay_steps: 32, decay_type: "linear", min_lr_ratio: 0.0, steps: 160 },
    },
    WarmupInverseSqrt: {
      label: "Linear warm-up, inverse square root (and a cool-down)",
      page: "inverse-sqrt",
      params: [
        LR, STEPS("warmup_steps"),
        { name: "timescale", type: "int", min: 1, max: "steps", hint: "Hugging Face's default: warmup_steps" },
        TOTAL, STEPS("cooldown_steps", "0: no cool-down"),
      ],
      example: { lr: 0.01, warmup_steps: 16, timescale: 16, total_steps: 160, cooldown_steps: 32, steps: 160 },
    },
  };
  for (const [name, spec] of Object.entries(MODERN_SPEC)) SPEC[name] = { ...spec, section: "modern" };

  const MAX_STEPS = 5000;

  /** The parameters a configuration shows: the factor function picks its own. */
  function visibleParams(name, params) {
    const spec = SPEC[name];
    const fnParams = FACTOR_FUNCTIONS[name] && FACTOR_FUNCTIONS[name][params.fn];
    return spec.params.filter((param) => {
      if (fnParams && !["lr", "fn"].includes(param.name)) return fnParams.params.includes(param.name);
      if (param.when) return Object.entries(param.when).every(([key, values]) => values.includes(params[key]));
      return true;
    });
  }

  /** The example of a scheduler's reference page, with what depends on the run's length fitted to it. */
  function defaults(name, steps) {
    const spec = SPEC[name];
    const params = { ...spec.example };
    delete params.steps;
    if (steps !== undefined) {
      for (const param of spec.params) if (param.fromSteps) params[param.name] = param.fromSteps(steps);
    }
    if (params.milestones) params.milestones = [...params.milestones];
    return params;
  }

  // ---------------------------------------------------------------- Python code

  const WIDTH = 64; // the code sits in a narrow column: wrap arguments as Black would, earlier

  function call(prefix, args) {
    const oneLine = `${prefix}(${args.join(", ")})`;
    if (oneLine.length <= WIDTH) return oneLine;
    const inner = `    ${args.join(", ")}`;
    if (inner.length <= WIDTH) return `${prefix}(\n${inner}\n)`;
    return `${prefix}(\n${args.map((a) => `    ${a},`).join("\n")}\n)`;
  }

  const kw = (p, name, type) => `${name}=${pyRepr(p[name], type)}`;
  const S = "torch.optim.lr_scheduler";

  /** The Python that builds the optimizer and the scheduler of a configuration. */
  function pythonCode(name, p) {
    const lines = ["import torch", ""];
    const spec = SPEC[name];
    if (spec.momentum) {
      for (const line of spec.comment) lines.push(`# ${line}`);
      lines.push(call("optimizer = torch.optim.SGD", ["model.parameters()", "lr=0.01", "momentum=0.9"]));
    } else {
      lines.push(call("optimizer = torch.optim.SGD", ["model.parameters()", kw(p, "lr", "float")]));
    }
    const scheduler = (args) => call(`scheduler = ${S}.${name}`, ["optimizer", ...args]);
    switch (name) {
      case "LambdaLR":
      case "MultiplicativeLR":
        lines.push(scheduler([`lr_lambda=${factorFunction(name, p.fn).python(p)}`]));
        break;
      case "StepLR":
        lines.push(scheduler([kw(p, "step_size", "int"), kw(p, "gamma", "float")]));
        break;
      case "MultiStepLR":
        lines.push(scheduler([kw(p, "milestones", "list"), kw(p, "gamma", "float")]));
        break;
      case "ConstantLR":
        lines.push(scheduler([kw(p, "factor", "float"), kw(p, "total_iters", "int")]));
        break;
      case "LinearLR":
        lines.push(scheduler([kw(p, "start_factor", "float"), kw(p, "end_factor", "float"), kw(p, "total_iters", "int")]));
        break;
      case "ExponentialLR":
        lines.push(scheduler([kw(p, "gamma", "float")]));
        break;
      case "PolynomialLR":
        lines.push(scheduler([kw(p, "total_iters", "int"), kw(p, "power", "float")]));
        break;
      case "CosineAnnealingLR":
        lines.push(scheduler([kw(p, "T_max", "int"), kw(p, "eta_min", "float")]));
        break;
      case "CosineAnnealingWarmRestarts":
        lines.push(scheduler([kw(p, "T_0", "int"), kw(p, "T_mult", "int"), kw(p, "eta_min", "float")]));
        break;
      case "CyclicLR": {
        const args = [kw(p, "base_lr", "float"), kw(p, "max_lr", "float"), kw(p, "step_size_up", "int")];
        if (p.step_size_down !== null && p.step_size_down !== undefined) args.push(kw(p, "step_size_down", "int"));
        args.push(kw(p, "mode", "choice"));
        if (p.mode === "exp_range") args.push(kw(p, "gamma", "float"));
        lines.push(scheduler(args));
        break;
      }
      case "OneCycleLR":
        lines.push(
          scheduler([
            kw(p, "max_lr", "float"), kw(p, "total_steps", "int"), kw(p, "pct_start", "float"),
            kw(p, "anneal_strategy", "choice"), kw(p, "div_factor", "float"),
            kw(p, "final_div_factor", "float"), kw(p, "three_phase", "bool"),
          ])
        );
        break;
      case "SequentialLR":
        lines.push(call(`warmup = ${S}.LinearLR`, ["optimizer", kw(p, "start_factor", "float"), `total_iters=${pyRepr(p.warmup_iters, "int")}`]));
        lines.push(call(`decay = ${S}.CosineAnnealingLR`, ["optimizer", kw(p, "T_max", "int"), kw(p, "eta_min", "float")]));
        lines.push(scheduler(["[warmup, decay]", `milestones=[${pyRepr(p.milestone, "int")}]`]));
        break;
      case "ChainedScheduler":
        lines.push(call(`constant = ${S}.ConstantLR`, ["optimizer", kw(p, "factor", "float"), kw(p, "total_iters", "int")]));
        lines.push(call(`decay = ${S}.ExponentialLR`, ["optimizer", kw(p, "gamma", "float")]));
        lines.push(call(`scheduler = ${S}.ChainedScheduler`, ["[constant, decay]", "optimizer=optimizer"]));
        break;
      default:
        if (!MODERN[name]) throw new InputError(`Unknown scheduler ${name}`);
        lines.push(...sequenceCode(MODERN[name](p)));
    }
    lines.push("# after each optimizer.step(): scheduler.step()");
    return lines.join("\n");
  }

  // ---------------------------------------------------------------- running a configuration

  /**
   * Run one configuration: {lrs, error}. error is null, or {type, message, at} for what torch
   * raises (at: 0 when created, t at the t-th scheduler.step()), or {type: "input", message}
   * for a value the explorer cannot read.
   */
  function run(name, params, steps) {
    if (!Schedules[name]) return { lrs: [], error: { type: "input", message: `Unknown scheduler ${name}`, at: null } };
    if (!isInt(steps) || steps < 1 || steps > MAX_STEPS) {
      return { lrs: [], error: { type: "input", message: `steps must be a whole number from 1 to ${MAX_STEPS}.`, at: null } };
    }
    try {
      return { lrs: Schedules[name](params, steps), error: null };
    } catch (error) {
      if (error instanceof TorchError) {
        // raised before record() started: by a constructor's own checks
        const at = error.at === null ? 0 : error.at;
        return { lrs: error.lrs, error: { type: error.type, message: error.message, at } };
      }
      if (error instanceof InputError) return { lrs: [], error: { type: "input", message: error.message, at: null } };
      throw error;
    }
  }

  /** null, or what torch raises for these parameters over `steps` steps: {type, message, at}. */
  function validate(name, params, steps) {
    const { error } = run(name, params, steps);
    return error && error.type !== "input" ? error : null;
  }

  // ---------------------------------------------------------------- reading values

  function parseValue(param, text) {
    const raw = String(text).trim();
    if (param.type === "bool") return ["true", "True", "1", "on", "yes"].includes(raw);
    if (param.type === "choice" || param.type === "fn") return raw;
    if (param.type === "list") {
      if (raw === "" || raw === "[]") return [];
      const items = raw.replace(/^\[|\]$/g, "").split(",").map((s) => s.trim());
      if (!items.every((s) => /^[+-]?\d+$/.test(s))) {
        throw new InputError(`${param.name}: write whole numbers separated by commas, like 15, 25, 30.`);
      }
      return items.map(Number);
    }
    if (param.optional && (raw === "" || raw === "None")) return null;
    const value = raw === "" ? NaN : Number(raw);
    if (!Number.isFinite(value)) throw new InputError(`${param.name}: enter a number.`);
    return value;
  }

  function formatValue(param, value) {
    if (value === null || value === undefined) return "";
    if (param.type === "list") return value.join(", ");
    if (param.type === "bool") return value ? "true" : "false";
    if (typeof value === "number") return String(value);
    return value;
  }

  /** A preset from the address: ?scheduler=StepLR&step_size=10&... (or #StepLR?step_size=10&...). */
  function fromQuery(search, hash) {
    let query = new URLSearchParams(search || "");
    let name = query.get("scheduler");
    if (!name && hash && hash.length > 1) {
      const [head, rest] = hash.slice(1).split("?");
      if (SPEC[head] || head === "ReduceLROnPlateau") {
        name = head;
        query = new URLSearchParams(rest || "");
      }
    }
    if (!name) return null;
    const preset = { scheduler: name, params: null, steps: null, raw: {} };
    const stepsText = query.get("steps");
    if (stepsText !== null && /^\d+$/.test(stepsText.trim()) && Number(stepsText) >= 1 && Number(stepsText) <= MAX_STEPS) {
      preset.steps = Number(stepsText);
    }
    if (!SPEC[name]) return preset;
    const base = defaults(name, preset.steps || SPEC[name].example.steps);
    if (query.has("fn")) base.fn = query.get("fn");
    for (const param of SPEC[name].params) {
      if (query.has(param.name)) preset.raw[param.name] = query.get(param.name);
    }
    preset.params = base;
    return preset;
  }

  // ---------------------------------------------------------------- numbers for people

  function formatLR(x) {
    if (!Number.isFinite(x)) return String(x);
    if (x === 0) return "0";
    const text = Number(x.toPrecision(6)).toString();
    return text.replace(/e\+?/, "e");
  }

  function niceTicks(lo, hi, count) {
    const span = hi - lo;
    const rough = span / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => span / s <= count) || 10 * magnitude;
    const ticks = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
      ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return { ticks, step };
  }

  function tickLabel(value, step) {
    if (value === 0) return "0";
    if (step < 1e-4 || step >= 1e5) return formatLR(value);
    const magnitude = Math.floor(Math.log10(step) + 1e-9);
    const mantissa = Math.round(step / Math.pow(10, magnitude) * 10) / 10;
    return value.toFixed(Math.max(0, -magnitude + (mantissa === 2.5 ? 1 : 0)));
  }

  // ---------------------------------------------------------------- the page

  const SVG = "http://www.w3.org/2000/svg";
  const SLOTS = ["A", "B", "C"];
  const ORDER = [
    "StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR",
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",
    "LambdaLR", "MultiplicativeLR", "SequentialLR", "ChainedScheduler",
    // the modern schedules (docs/modern/): torch parts in a SequentialLR
    "WarmupLinearDecay", "WarmupCosineMinLR", "WarmupCosineHardRestarts", "WarmupPolynomialDecay",
    "WarmupStableDecay", "WarmupInverseSqrt",
  ];
  const PRESET_LABEL = {
    SequentialLR: "SequentialLR (LinearLR, then CosineAnnealingLR)",
    ChainedScheduler: "ChainedScheduler (ConstantLR × ExponentialLR)",
  };

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function svgEl(tag, attrs = {}) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    return node;
  }

  class Explorer {
    constructor(root) {
      this.root = root;
      this.steps = 40;
      this.configs = []; // {slot, name, params, raw: {name: text}, results}
      this.inspect = null; // the step under the pointer or the keyboard cursor
      const preset = fromQuery(location.search, location.hash);
      if (preset && preset.steps !== null) this.steps = preset.steps;
      this.build();
      if (preset && preset.scheduler === "ReduceLROnPlateau") {
        this.notice.hidden = false;
      }
      if (preset && preset.params) {
        if (preset.steps === null) this.steps = SPEC[preset.scheduler].example.steps;
        this.addConfig(preset.scheduler, preset.params, preset.raw);
      } else {
        this.addConfig("StepLR", defaults("StepLR"));
        this.steps = SPEC.StepLR.example.steps;
      }
      this.stepsInput.value = String(this.steps);
      this.stepsRange.value = String(Math.min(this.steps, Number(this.stepsRange.max)));
      this.update(false); // the address changes only when the reader changes something
    }

    build() {
      const root = this.root;
      root.textContent = "";
      root.classList.add("lr-explorer--ready");

      // chart panel
      this.svg = svgEl("svg", {
        viewBox: "0 0 640 360",
        class: "lr-explorer__svg",
        role: "img",
        tabindex: "0",
        "aria-labelledby": "lrx-chart-title",
        "aria-describedby": "lrx-summary",
      });
      const title = svgEl("title", { id: "lrx-chart-title" });
      title.textContent = "Learning rate at each step; arrow keys move the step read-out";
      this.svg.append(title);
      this.legend = el("ul", { className: "lr-explorer__legend" });
      this.readout = el("p", { className: "lr-explorer__readout", "aria-live": "polite" });
      this.summary = el("div", { className: "lr-explorer__summary", id: "lrx-summary" });
      const chart = el("div", { className: "lr-explorer__chart" }, this.svg, this.legend, this.readout, this.summary);

      // controls panel
      this.stepsRange = el("input", {
        type: "range", id: "lrx-steps-range", min: "1", max: "500", step: "1",
        "aria-labelledby": "lrx-steps-label", "data-param": "steps",
      });
      this.stepsInput = el("input", {
        type: "number", id: "lrx-steps", min: "1", max: String(MAX_STEPS), step: "1",
        "data-param": "steps", inputmode: "numeric",
      });
      const stepsLabel = el("label", { for: "lrx-steps", id: "lrx-steps-label" }, el("span", { text: "steps" }));
      this.stepsError = el("p", { className: "lr-explorer__error", role: "status" });
      const stepsHint = el("p", { className: "lr-explorer__hint", text: "optimizer steps shown, one scheduler.step() after each; shared by all configurations" });
      const stepsRow = el("div", { className: "lr-explorer__param lr-explorer__param--steps" }, stepsLabel, this.stepsRange, this.stepsInput, stepsHint);
      this.stepsRange.addEventListener("input", () => {
        this.stepsInput.value = this.stepsRange.value;
        this.setSteps(this.stepsRange.value);
      });
      this.stepsInput.addEventListener("input", () => {
        if (this.stepsInput.value !== "") this.stepsRange.value = this.stepsInput.value;
        this.setSteps(this.stepsInput.value);
      });

      this.addButton = el("button", { type: "button", className: "lr-explorer__add", text: "Overlay a copy of A" });
      this.addButton.addEventListener("click", () => {
        const last = this.configs[this.configs.length - 1];
        this.addConfig(last.name, structuredClone(last.params), { ...last.raw });
        this.update();
        const added = this.configs[this.configs.length - 1];
        added.select.focus();
      });
      this.cards = el("div", { className: "lr-explorer__configs" });
      this.notice = el(
        "p",
        { className: "lr-explorer__notice", role: "note", hidden: true },
        "ReduceLROnPlateau cannot be simulated here: it changes the learning rate from a metric your training produces. See ",
        el("a", { href: "#why-not-reducelronplateau", text: "why below" }),
        "."
      );
      const controls = el("div", { className: "lr-explorer__controls" }, this.notice, stepsRow, this.stepsError, this.cards, this.addButton);

      root.append(chart, controls);

      // reading values off the chart: pointer and keyboard
      this.svg.addEventListener("pointermove", (event) => {
        const box = this.svg.getBoundingClientRect();
        const x = ((event.clientX - box.left) / box.width) * 640;
        const t = Math.floor(this.x.invert(x));
        this.setInspect(Math.max(0, Math.min(this.steps - 1, t)));
      });
      this.svg.addEventListener("pointerleave", () => this.setInspect(null));
      this.svg.addEventListener("keydown", (event) => {
        const moves = { ArrowLeft: -1, ArrowRight: 1, PageDown: -10, PageUp: 10, Home: -Infinity, End: Infinity };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const current = this.inspect === null ? 0 : this.inspect;
        this.setInspect(Math.max(0, Math.min(this.steps - 1, current + moves[event.key])));
      });
      this.svg.addEventListener("blur", () => this.setInspect(null));
    }

    setSteps(text) {
      const value = Number(text);
      if (text === "" || !isInt(value) || value < 1 || value > MAX_STEPS) {
        this.stepsError.textContent = `steps must be a whole number from 1 to ${MAX_STEPS}.`;
        return;
      }
      this.stepsError.textContent = "";
      this.steps = value;
      this.update();
    }

    addConfig(name, params, raw = {}) {
      const slot = SLOTS.find((s) => !this.configs.some((c) => c.slot === s));
      const config = { slot, name, params, raw: {}, results: null };
      // values from the address: take what reads, keep the rest as typed (it shows an error)
      for (const [key, text] of Object.entries(raw)) {
        const param = SPEC[name].params.find((p) => p.name === key);
        try {
          params[key] = parseValue(param, text);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          config.raw[key] = text;
        }
      }
      this.configs.push(config);
      this.configs.sort((a, b) => a.slot.localeCompare(b.slot));
      this.renderCard(config);
      this.renderCards();
    }

    removeConfig(config) {
      this.configs = this.configs.filter((c) => c !== config);
      this.renderCards();
      this.update();
      this.addButton.focus();
    }

    renderCards() {
      this.cards.replaceChildren(...this.configs.map((c) => c.card));
      const last = this.configs[this.configs.length - 1];
      this.addButton.disabled = this.configs.length >= SLOTS.length;
      this.addButton.textContent =
        this.configs.length >= SLOTS.length ? "Three configurations at most" : `Overlay a copy of ${last.slot}`;
    }

    renderCard(config) {
      const id = (name) => `lrx-${config.slot}-${name}`;
      const select = el("select", {
        id: id("scheduler"), "data-role": "scheduler", "aria-label": `Scheduler of configuration ${config.slot}`,
      });
      for (const name of ORDER) select.append(el("option", { value: name, text: PRESET_LABEL[name] || SPEC[name].label || name }));
      select.append(el("option", { value: "ReduceLROnPlateau", disabled: true, text: "ReduceLROnPlateau (needs a metric; see below)" }));
      select.value = config.name;
      select.addEventListener("change", () => {
        config.name = select.value;
        config.params = defaults(config.name, this.steps);
        config.raw = {};
        this.renderCard(config);
        this.renderCards();
        this.update();
        config.select.focus();
      });
      config.select = select;

      const header = el(
        "div",
        { className: "lr-explorer__config-head" },
        el("span", { className: "lr-explorer__swatch", "aria-hidden": "true" }),
        el("label", { for: id("scheduler") }, el("strong", { text: `Configuration ${config.slot}` })),
      );
      if (config.slot !== "A") {
        const remove = el("button", {
          type: "button", className: "lr-explorer__remove", text: "Remove",
          "aria-label": `Remove configuration ${config.slot}`,
        });
        remove.addEventListener("click", () => this.removeConfig(config));
        header.append(remove);
      }
      const spec = SPEC[config.name];
      const reference = el(
        "p",
        { className: "lr-explorer__hint" },
        "Reference: ",
        el("a", { href: `../${spec.section || "schedulers"}/${spec.page}/`, text: `${spec.label ? spec.label.split(" (")[0] : config.name} page` }),
        spec.momentum ? ` · ${spec.momentum}` : ""
      );

      const params = el("div", { className: "lr-explorer__params" });
      config.inputs = {};
      for (const param of visibleParams(config.name, config.params)) params.append(this.renderParam(config, param, id));

      config.error = el("div", { className: "lr-explorer__error", role: "status", "data-role": "error" });
      config.code = el("code", { "data-role": "code" });
      const copy = el("button", {
        type: "button", className: "lr-explorer__copy", "data-role": "copy", text: "Copy code",
        "aria-label": `Copy code of configuration ${config.slot}`,
      });
      copy.addEventListener("click", () => this.copy(config, copy));
      const codeBlock = el(
        "div",
        { className: "lr-explorer__code" },
        el("div", { className: "lr-explorer__code-bar" }, el("span", { text: "PyTorch" }), copy),
        el("pre", { className: "no-copy" }, config.code)
      );

      const card = el(
        "section",
        { className: `lr-explorer__config lr-explorer__config--${config.slot}`, "data-slot": config.slot, "aria-label": `Configuration ${config.slot}` },
        header, select, reference, params, config.error, codeBlock
      );
      if (config.card) config.card.replaceWith(card);
      config.card = card;
    }

    renderParam(config, param, id) {
      const value = config.params[param.name];
      const text = param.name in config.raw ? config.raw[param.name] : formatValue(param, value);
      const label = el("label", { for: id(param.name), id: id(param.name) + "-label" }, el("code", { text: param.label || param.name }));
      const row = el("div", { className: "lr-explorer__param" }, label);
      let input;
      if (param.type === "fn") {
        input = el("select", { id: id(param.name), "data-param": param.name });
        for (const [key, fn] of Object.entries(FACTOR_FUNCTIONS[config.name])) input.append(el("option", { value: key, text: fn.label }));
        input.value = text;
        input.addEventListener("change", () => {
          config.params.fn = input.value;
          delete config.raw.fn;
          this.renderCard(config);
          this.renderCards();
          this.update();
          config.inputs.fn.focus();
        });
        row.append(input);
      } else if (param.type === "choice") {
        input = el("select", { id: id(param.name), "data-param": param.name });
        for (const choice of param.choices) input.append(el("option", { value: choice, text: choice }));
        if (!param.choices.includes(text)) input.append(el("option", { value: text, text }));
        input.value = text;
        input.addEventListener("change", () => {
          this.read(config, param, input.value);
          if (SPEC[config.name].params.some((p) => p.when)) {
            this.renderCard(config);
            this.renderCards();
            config.inputs[param.name].focus();
          }
          this.update();
        });
        row.append(input);
      } else if (param.type === "bool") {
        input = el("input", { type: "checkbox", id: id(param.name), "data-param": param.name });
        input.checked = parseValue(param, text);
        input.addEventListener("change", () => {
          this.read(config, param, input.checked ? "true" : "false");
          this.update();
        });
        row.classList.add("lr-explorer__param--check");
        row.prepend(input);
      } else {
        input = el("input", {
          type: param.type === "list" ? "text" : "number",
          id: id(param.name),
          "data-param": param.name,
          step: param.type === "int" ? "1" : "any",
          inputmode: param.type === "int" ? "numeric" : param.type === "list" ? "text" : "decimal",
          placeholder: param.optional ? "None" : null,
          spellcheck: param.type === "list" ? "false" : null,
        });
        input.value = text;
        if (!param.number && param.type !== "list") {
          const max = param.max === "steps" ? this.steps : param.max;
          const range = el("input", {
            type: "range", id: id(param.name) + "-range", "data-param": param.name,
            min: String(param.min), max: String(max), step: String(param.step || 1),
            "aria-labelledby": id(param.name) + "-label",
          });
          range.value = String(value);
          range.dataset.max = String(param.max);
          range.addEventListener("input", () => {
            input.value = range.value;
            this.read(config, param, range.value);
            this.update();
          });
          input.addEventListener("input", () => {
            if (input.value !== "") range.value = input.value;
          });
          config.inputs[param.name + "-range"] = range;
          row.append(range);
        }
        input.addEventListener("input", () => {
          this.read(config, param, input.value);
          this.update();
        });
        row.append(input);
      }
      if (param.hint) {
        row.append(el("p", { className: "lr-explorer__hint", id: id(param.name) + "-hint", text: param.hint }));
        for (const control of row.querySelectorAll("input, select")) {
          control.setAttribute("aria-describedby", id(param.name) + "-hint");
        }
      }
      config.inputs[param.name] = input;
      return row;
    }

    read(config, param, text) {
      config.raw[param.name] = text;
    }

    /** The parameters of a configuration, or an InputError. */
    values(config) {
      const params = { ...config.params };
      for (const param of visibleParams(config.name, config.params)) {
        if (param.name in config.raw) params[param.name] = parseValue(param, config.raw[param.name]);
      }
      return params;
    }

    update(writeAddress = true) {
      for (const config of this.configs) {
        let result;
        try {
          const params = this.values(config);
          config.params = params;
          config.raw = {};
          result = run(config.name, params, this.steps);
          config.code.textContent = pythonCode(config.name, params);
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          result = { lrs: [], error: { type: "input", message: error.message, at: null } };
        }
        config.results = result;
        config.error.replaceChildren(...describeError(result.error));
        config.card.classList.toggle("lr-explorer__config--error", Boolean(result.error));
        for (const [key, input] of Object.entries(config.inputs)) {
          if (input.dataset.max === "steps") input.max = String(this.steps);
        }
      }
      this.draw();
      if (writeAddress) this.writeAddress();
    }

    writeAddress() {
      const config = this.configs[0];
      if (!config || config.slot !== "A") return;
      const query = new URLSearchParams();
      query.set("scheduler", config.name);
      for (const param of visibleParams(config.name, config.params)) {
        query.set(param.name, formatValue(param, config.params[param.name]));
      }
      query.set("steps", String(this.steps));
      const url = `${location.pathname}?${query.toString().replace(/%2C/g, ",")}`;
      if (url !== location.pathname + location.search) history.replaceState(history.state, "", url);
    }

    draw() {
      const W = 640, H = 360, left = 62, right = 14, top = 14, bottom = 42;
      const svg = this.svg;
      svg.querySelectorAll(":scope > :not(title)").forEach((n) => n.remove());
      const values = this.configs.flatMap((c) => c.results.lrs.filter(Number.isFinite));
      let lo = Math.min(0, ...values);
      let hi = Math.max(0, ...values);
      if (hi === lo) hi = lo + (lo === 0 ? 0.1 : Math.abs(lo));
      const pad = (hi - lo) * 0.04;
      const yTicks = niceTicks(lo, hi + pad, 5);
      hi = Math.max(hi + pad, yTicks.ticks[yTicks.ticks.length - 1]);
      lo = Math.min(lo, yTicks.ticks[0]);
      const n = this.steps;
      const x = (t) => left + (t / n) * (W - left - right);
      x.invert = (px) => ((px - left) / (W - left - right)) * n;
      const y = (v) => top + ((hi - v) / (hi - lo)) * (H - top - bottom);
      this.x = x;
      this.y = y;

      const axes = svgEl("g", { class: "lr-explorer__axes" });
      for (const tick of yTicks.ticks) {
        if (tick < lo - 1e-12 || tick > hi + 1e-12) continue;
        axes.append(svgEl("line", { x1: left, x2: W - right, y1: y(tick).toFixed(1), y2: y(tick).toFixed(1), class: "lr-explorer__grid" }));
        const label = svgEl("text", { x: left - 6, y: (y(tick) + 4).toFixed(1), "text-anchor": "end" });
        label.textContent = tickLabel(tick, yTicks.step);
        axes.append(label);
      }
      const xTicks = niceTicks(0, n, 8);
      for (const tick of xTicks.ticks) {
        if (!isInt(tick) || tick > n) continue;
        axes.append(svgEl("line", { x1: x(tick).toFixed(1), x2: x(tick).toFixed(1), y1: H - bottom, y2: H - bottom + 4, class: "lr-explorer__tick" }));
        const label = svgEl("text", { x: x(tick).toFixed(1), y: H - bottom + 17, "text-anchor": "middle" });
        label.textContent = String(tick);
        axes.append(label);
      }
      axes.append(svgEl("line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, class: "lr-explorer__axis" }));
      axes.append(svgEl("line", { x1: left, x2: left, y1: top, y2: H - bottom, class: "lr-explorer__axis" }));
      const xLabel = svgEl("text", { x: (left + W - right) / 2, y: H - 6, "text-anchor": "middle", class: "lr-explorer__label" });
      xLabel.textContent = "step (one scheduler.step() after each optimizer step)";
      axes.append(xLabel);
      svg.append(axes);

      for (const config of this.configs) {
        const lrs = config.results.lrs;
        let d = "";
        let open = false;
        lrs.forEach((v, t) => {
          if (!Number.isFinite(v)) {
            open = false;
            return;
          }
          const yv = y(v).toFixed(1);
          d += open ? `V${yv}H${x(t + 1).toFixed(1)}` : `M${x(t).toFixed(1)},${yv}H${x(t + 1).toFixed(1)}`;
          open = true;
        });
        const path = svgEl("path", { d: d || "M0,0", class: `lr-explorer__curve lr-explorer__curve--${config.slot}`, "data-slot": config.slot });
        if (!d) path.setAttribute("visibility", "hidden");
        svg.append(path);
      }
      this.cursor = svgEl("line", { class: "lr-explorer__cursor", y1: top, y2: H - bottom, visibility: "hidden" });
      svg.append(this.cursor);

      this.legend.replaceChildren(
        ...this.configs.map((config) =>
          el(
            "li",
            { className: `lr-explorer__legend-item lr-explorer__config--${config.slot}` },
            el("span", { className: "lr-explorer__swatch", "aria-hidden": "true" }),
            `${config.slot}: ${config.name}`
          )
        )
      );
      this.summary.replaceChildren(...this.configs.map((config) => el("p", { text: summarize(config, this.steps) })));
      this.setInspect(this.inspect !== null && this.inspect < this.steps ? this.inspect : null);
    }

    setInspect(t) {
      this.inspect = t;
      if (t === null) {
        this.cursor.setAttribute("visibility", "hidden");
        this.readout.textContent = "Point at the chart, or focus it and use the arrow keys, to read the learning rates at a step.";
        return;
      }
      const px = this.x(t + 0.5).toFixed(1);
      this.cursor.setAttribute("x1", px);
      this.cursor.setAttribute("x2", px);
      this.cursor.setAttribute("visibility", "visible");
      const parts = this.configs.map((c) => `${c.slot} ${t < c.results.lrs.length ? formatLR(c.results.lrs[t]) : "—"}`);
      this.readout.textContent = `step ${t}: ${parts.join(" · ")}`;
    }

    async copy(config, button) {
      const text = config.code.textContent;
      let done = false;
      try {
        await navigator.clipboard.writeText(text);
        done = true;
      } catch (error) {
        const area = el("textarea", { className: "lr-explorer__offscreen", readonly: true });
        area.value = text;
        document.body.append(area);
        area.select();
        try {
          done = document.execCommand("copy");
        } catch (ignored) {
          done = false;
        }
        area.remove();
      }
      button.textContent = done ? "Copied" : "Select the code and copy it";
      setTimeout(() => (button.textContent = "Copy code"), 1500);
    }
  }

  /** What the reader sees of an error: torch's, as torch prints it, and when it is raised. */
  function describeError(error) {
    if (!error) return [];
    if (error.type === "input") return [el("p", { text: error.message })];
    const when = error.at === 0 ? "When the scheduler is created" : `At scheduler.step() number ${error.at}`;
    return [
      el("p", { text: `${when}, torch raises` }),
      el("pre", { className: "no-copy" }, el("code", { text: `${error.type}: ${error.message}` })),
    ];
  }

  function summarize(config, steps) {
    const { lrs, error } = config.results;
    if (!lrs.length) return `${config.slot}: ${config.name}: no curve (${error ? "see the error" : "no steps"}).`;
    const finite = lrs.filter(Number.isFinite);
    const lowest = Math.min(...finite);
    const highest = Math.max(...finite);
    const last = lrs.length - 1;
    return (
      `${config.slot}: ${config.name} starts at ${formatLR(lrs[0])} and uses ${formatLR(lrs[last])} at step ${last}` +
      `; lowest ${formatLR(lowest)}, highest ${formatLR(highest)}` +
      (lrs.length < steps ? `; stops after ${lrs.length} of ${steps} steps.` : ".")
    );
  }

  // ---------------------------------------------------------------- public and start-up

  window.LRAtlasSchedules = Schedules;
  window.LRAtlasExplorer = {
    run, validate, pythonCode, defaults, fromQuery, pyFloat, visibleParams,
    spec: SPEC,
    factorFunctions: Object.fromEntries(
      Object.entries(FACTOR_FUNCTIONS).map(([k, fns]) => [k, Object.keys(fns)])
    ),
    maxSteps: MAX_STEPS,
  };

  function start() {
    const root = document.getElementById("lr-explorer");
    if (!root || root.classList.contains("lr-explorer--ready")) return;
    root.explorer = new Explorer(root);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start); // Material: every page load, instant navigation included
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
