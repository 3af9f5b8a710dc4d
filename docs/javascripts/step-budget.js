/* LR Atlas step budget: how many optimizer steps (scheduler.step() calls) a run makes.
 *
 * window.LRAtlasStepBudget.stepsPerEpoch mirrors optimizer_steps_per_epoch in
 * snippets/step_budget.py (shown on docs/guides/how-many-steps.md), with the same errors;
 * tests/site/test_step_budget_panel.py compares the two on a grid in Chromium. The panel is built
 * into #step-budget-panel (docs/explorer.md) on every page load that has that element.
 */
(function () {
  "use strict";

  const SIZES = ["dataset_size", "batch_size", "accumulation_steps", "world_size"];

  /** Optimizer steps per epoch on each device; throws Python's ValueError message. */
  function stepsPerEpoch({
    dataset_size, batch_size, drop_last = false, accumulation_steps = 1, world_size = 1,
    step_on_last_partial_window = true,
  }) {
    const args = { dataset_size, batch_size, accumulation_steps, world_size };
    for (const name of SIZES) {
      const value = args[name];
      if (!Number.isInteger(value) || value < 1) {
        throw new Error(`${name} must be a whole number of at least 1, got ${pyRepr(value)}`);
      }
    }
    const samples = Math.ceil(dataset_size / world_size); // DistributedSampler pads each shard
    const batches = drop_last ? Math.floor(samples / batch_size) : Math.ceil(samples / batch_size);
    return step_on_last_partial_window
      ? Math.ceil(batches / accumulation_steps)
      : Math.floor(batches / accumulation_steps);
  }

  /** repr() of what a reader can type: a whole number, a float, or nothing. */
  function pyRepr(value) {
    if (typeof value !== "number" || Number.isNaN(value)) return "None";
    if (Number.isInteger(value) && !Object.is(value, -0)) return String(value);
    return Number.isInteger(value) ? `${value}.0` : String(value);
  }

  /** The constructor calls for a run of `epochs` epochs, sized in optimizer steps. */
  function pythonCode(perEpoch, epochs) {
    const total = perEpoch * epochs;
    return [
      `steps_per_epoch = ${perEpoch}  # optimizer steps per epoch on each device`,
      `total_steps = ${total}  # ${epochs} epochs`,
      `CosineAnnealingLR(optimizer, T_max=${total})`,
      `OneCycleLR(optimizer, max_lr=0.1, total_steps=${total})`,
      `PolynomialLR(optimizer, total_iters=${total})`,
      `MultiStepLR(optimizer, milestones=[${Math.round(epochs / 2) * perEpoch}])  # half-way`,
    ].join("\n");
  }

  // ---------------------------------------------------------------- the panel

  const FIELDS = [
    { name: "dataset_size", label: "dataset size", value: 200, hint: "samples" },
    { name: "batch_size", label: "batch size", value: 16, hint: "samples per micro-batch, per device" },
    { name: "drop_last", label: "drop_last", check: false, hint: "the DataLoader's" },
    { name: "accumulation_steps", label: "accumulation steps", value: 4, hint: "micro-batches per optimizer step" },
    { name: "step_on_last_partial_window", label: "step on the last partial window", check: true, hint: "as Lightning and Hugging Face's Trainer do" },
    { name: "world_size", label: "devices", value: 1, hint: "world size, one DistributedSampler shard each" },
    { name: "epochs", label: "epochs", value: 6, hint: "" },
  ];

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  function build(root) {
    const inputs = {};
    const params = el("div", { className: "lr-explorer__params" });
    for (const field of FIELDS) {
      const id = `sb-${field.name}`;
      const label = el("label", { for: id, text: field.label });
      let input;
      if ("check" in field) {
        input = el("input", { type: "checkbox", id, "data-param": field.name });
        input.checked = field.check;
        params.append(el("div", { className: "lr-explorer__param lr-explorer__param--check" }, input, label));
      } else {
        input = el("input", { type: "number", id, min: "1", step: "1", value: String(field.value), "data-param": field.name });
        params.append(el("div", { className: "lr-explorer__param" }, label, input));
      }
      if (field.hint) params.lastChild.append(el("p", { className: "lr-explorer__hint", text: field.hint }));
      inputs[field.name] = input;
    }
    const readout = el("p", { className: "lr-explorer__readout", "aria-live": "polite", "data-role": "budget" });
    const code = el("code", { "data-role": "budget-code" });
    const output = el("div", {}, readout, el("pre", { className: "no-copy" }, code));
    root.append(el("div", { className: "lr-explorer__controls" }, params), output);

    function update() {
      const number = (name) => (inputs[name].value.trim() === "" ? NaN : Number(inputs[name].value));
      const values = {};
      for (const field of FIELDS) values[field.name] = "check" in field ? inputs[field.name].checked : number(field.name);
      try {
        const { epochs, ...args } = values;
        if (!Number.isInteger(epochs) || epochs < 1) {
          throw new Error(`epochs must be a whole number of at least 1, got ${pyRepr(epochs)}`);
        }
        const perEpoch = stepsPerEpoch(args);
        readout.textContent =
          `${perEpoch} optimizer steps per epoch on each device, ${perEpoch * epochs} in ${epochs} epochs` +
          (perEpoch === 0 ? ": no step at all; every device sees fewer samples than one full window." : ".");
        code.textContent = perEpoch ? pythonCode(perEpoch, epochs) : "";
      } catch (error) {
        readout.textContent = `ValueError: ${error.message}`;
        code.textContent = "";
      }
    }
    root.addEventListener("input", update);
    update();
    root.classList.add("lr-step-budget--ready");
  }

  window.LRAtlasStepBudget = { stepsPerEpoch, pythonCode };

  function start() {
    const root = document.getElementById("step-budget-panel");
    if (root && !root.classList.contains("lr-step-budget--ready")) build(root);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start); // Material: every page load, instant navigation included
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
