// The backpropagation explorer of the four-equations chapter (book/equations.md): the 2-2-1
// sigmoid network of the worked example, with the quadratic cost C = (a - y)^2 / 2 of one
// example. The reader sets the input, the target, every weight and every bias; the page shows
// the forward pass (z, a), the backward pass (delta) and every partial derivative, optionally
// beside its centred-difference estimate, and takes gradient steps. The formulas are those of
// the book's package bp (the sigmoid in bp's stable form); tests/test_explorer.py checks every
// displayed value against bp's on the reference cases the build writes into the page
// (<script type="application/json" id="explorer-cases">). Plain JavaScript, nothing loaded.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var EPS = 1e-5; // the step of bp.finite_difference_gradient (central, float64)

  // The parameters the reader controls: name, label for people and screen readers, range.
  var PARAMS = [
    {key: "x1", label: "x₁", spoken: "input x 1", min: -3, max: 3},
    {key: "x2", label: "x₂", spoken: "input x 2", min: -3, max: 3},
    {key: "y", label: "y", spoken: "target y", min: 0, max: 1},
    {key: "w1_11", label: "w¹₁₁", spoken: "weight w 1 1 1", min: -4, max: 4},
    {key: "w1_12", label: "w¹₁₂", spoken: "weight w 1 1 2", min: -4, max: 4},
    {key: "w1_21", label: "w¹₂₁", spoken: "weight w 1 2 1", min: -4, max: 4},
    {key: "w1_22", label: "w¹₂₂", spoken: "weight w 1 2 2", min: -4, max: 4},
    {key: "b1_1", label: "b¹₁", spoken: "bias b 1 1", min: -4, max: 4},
    {key: "b1_2", label: "b¹₂", spoken: "bias b 1 2", min: -4, max: 4},
    {key: "w2_11", label: "w²₁₁", spoken: "weight w 2 1 1", min: -4, max: 4},
    {key: "w2_12", label: "w²₁₂", spoken: "weight w 2 1 2", min: -4, max: 4},
    {key: "b2_1", label: "b²₁", spoken: "bias b 2 1", min: -4, max: 4},
  ];
  // The nine weights and biases, which have a partial derivative and take gradient steps.
  var TRAINABLE = PARAMS.slice(3).map(function (p) { return p.key; });
  // The stage (of the step-by-step walk) at which each partial derivative is computed.
  function gradStage(key) { return key.charAt(1) === "2" ? 4 : 6; }

  var STAGES = [
    {eq: "", text: "Every value shown. Press “Step” to walk through the forward and the backward pass."},
    {eq: "fwd", text: "Forward, layer 1: z¹ = w¹x + b¹ and a¹ = σ(z¹), kept for the backward pass."},
    {eq: "fwd", text: "Forward, layer 2: z² = w²a¹ + b², the output a² = σ(z²), and the cost C = ½(a² − y)²."},
    {eq: "BP1", text: "BP1: the output error δ² = (a² − y) σ′(z²), with σ′(z²) = a²(1 − a²)."},
    {eq: "BP3 BP4", text: "BP3 and BP4, layer 2: ∂C/∂b² = δ², and ∂C/∂w²₁ₖ = a¹ₖ δ² (tail activation times head error)."},
    {eq: "BP2", text: "BP2: the hidden errors δ¹ⱼ = w²₁ⱼ δ² σ′(z¹ⱼ), the output error sent back along each weight."},
    {eq: "BP3 BP4", text: "BP3 and BP4, layer 1: ∂C/∂b¹ⱼ = δ¹ⱼ, and ∂C/∂w¹ⱼₖ = xₖ δ¹ⱼ. The backward pass is done."},
  ];
  var EQUATIONS = [
    {name: "fwd", text: "Forward: zˡ = wˡaˡ⁻¹ + bˡ, aˡ = σ(zˡ)"},
    {name: "BP1", text: "BP1: δᴸ = ∇ₐC ⊙ σ′(zᴸ)"},
    {name: "BP2", text: "BP2: δˡ = ((wˡ⁺¹)ᵀδˡ⁺¹) ⊙ σ′(zˡ)"},
    {name: "BP3", text: "BP3: ∂C/∂bˡⱼ = δˡⱼ"},
    {name: "BP4", text: "BP4: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ"},
  ];

  // σ(z) = e^min(z, 0) / (1 + e^−|z|), as bp.activations.sigmoid: no overflow for any z.
  function sigmoid(z) {
    return Math.exp(Math.min(z, 0)) / (1 + Math.exp(-Math.abs(z)));
  }

  // The forward and backward pass of the 2-2-1 network, one number at a time (BP1-BP4).
  function compute(p) {
    var v = {};
    v.z1_1 = p.w1_11 * p.x1 + p.w1_12 * p.x2 + p.b1_1;
    v.z1_2 = p.w1_21 * p.x1 + p.w1_22 * p.x2 + p.b1_2;
    v.a1_1 = sigmoid(v.z1_1);
    v.a1_2 = sigmoid(v.z1_2);
    v.z2_1 = p.w2_11 * v.a1_1 + p.w2_12 * v.a1_2 + p.b2_1;
    v.a2_1 = sigmoid(v.z2_1);
    v.C = 0.5 * (v.a2_1 - p.y) * (v.a2_1 - p.y);
    v.d2_1 = (v.a2_1 - p.y) * (v.a2_1 * (1 - v.a2_1)); // BP1
    v.d1_1 = p.w2_11 * v.d2_1 * (v.a1_1 * (1 - v.a1_1)); // BP2
    v.d1_2 = p.w2_12 * v.d2_1 * (v.a1_2 * (1 - v.a1_2));
    v.g_b2_1 = v.d2_1; // BP3
    v.g_w2_11 = v.a1_1 * v.d2_1; // BP4
    v.g_w2_12 = v.a1_2 * v.d2_1;
    v.g_b1_1 = v.d1_1;
    v.g_b1_2 = v.d1_2;
    v.g_w1_11 = p.x1 * v.d1_1;
    v.g_w1_12 = p.x2 * v.d1_1;
    v.g_w1_21 = p.x1 * v.d1_2;
    v.g_w1_22 = p.x2 * v.d1_2;
    return v;
  }

  function cost(p) {
    return compute(p).C;
  }

  // Centred differences of the cost, one parameter at a time, as bp.finite_difference_gradient.
  function centred(p) {
    var fd = {};
    TRAINABLE.forEach(function (key) {
      var q = Object.assign({}, p);
      q[key] = p[key] + EPS;
      var plus = cost(q);
      q[key] = p[key] - EPS;
      fd["fd_" + key] = (plus - cost(q)) / (2 * EPS);
    });
    return fd;
  }

  var SUPER = {"-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
               "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "+": ""};

  // A number for reading: four significant digits, a true minus sign, powers of ten written out.
  function fmt(v) {
    if (!isFinite(v)) return String(v);
    if (v === 0) return "0";
    var text = Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ?
      String(Number(v.toPrecision(4))) : v.toExponential(3);
    var parts = text.split("e");
    var out = parts[0].replace("-", "−");
    if (parts.length > 1) {
      out += " × 10" + parts[1].split("").map(function (c) { return SUPER[c]; }).join("");
    }
    return out;
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  // An element that shows quantity `q` (its full value in data-value, for the tests).
  function slot(tag, q, stage, cls) {
    var e = tag === "tspan" ? svgEl("tspan", {}) : el(tag, {});
    e.setAttribute("data-q", q);
    e.setAttribute("data-stage", String(stage));
    e.setAttribute("class", "bpx-value" + (cls ? " " + cls : ""));
    return e;
  }

  // ------------------------------------------------------------------ the network drawing
  // Two layouts of the same drawing: wide (inputs left, output right) for the column of a
  // desktop page, tall (inputs on top, output below) for a phone, where the wide one would
  // shrink its text below 11 px. explorer.css shows one of them.
  var R = 34;
  var LAYOUTS = {
    wide: {
      viewBox: "0 0 780 385",
      nodes: {x1: [60, 115], x2: [60, 305], h1: [400, 115], h2: [400, 305], o: [670, 210]},
      // [from, to, weight, where along the edge (0-1) the label sits, its shift in x and y]
      edges: [
        ["x1", "h1", "w1_11", 0.62, 0, -8], ["x2", "h1", "w1_12", 0.62, 0, 5],
        ["x1", "h2", "w1_21", 0.62, 0, 5], ["x2", "h2", "w1_22", 0.62, 0, -8],
        ["h1", "o", "w2_11", 0.4, 0, -10], ["h2", "o", "w2_12", 0.4, 0, 22],
      ],
    },
    tall: {
      viewBox: "0 0 420 650",
      nodes: {x1: [105, 60], x2: [315, 60], h1: [105, 330], h2: [315, 330], o: [210, 560]},
      edges: [
        ["x1", "h1", "w1_11", 0.48, -8, 0], ["x2", "h1", "w1_12", 0.25, -4, 0],
        ["x1", "h2", "w1_21", 0.25, 4, 0], ["x2", "h2", "w1_22", 0.48, 8, 0],
        ["h1", "o", "w2_11", 0.42, -34, 0], ["h2", "o", "w2_12", 0.42, 34, 0],
      ],
    },
  };

  function drawGraph(name) {
    var layout = LAYOUTS[name];
    var NODES = layout.nodes;
    var titleId = "bpx-graph-title-" + name;
    var svg = svgEl("svg", {
      viewBox: layout.viewBox, class: "bpx-graph bpx-graph-" + name, role: "img",
      "aria-labelledby": titleId,
    });
    svg.appendChild(svgEl("title", {id: titleId},
      "The 2–2–1 network: two inputs, two hidden sigmoid neurons, one output. " +
      "Each neuron shows its weighted input z, its activation a and its error δ; each edge " +
      "shows the partial derivative of the cost with respect to its weight. The same values " +
      "are listed in the table and beside the controls."));
    layout.edges.forEach(function (e) {
      var a = NODES[e[0]], b = NODES[e[1]];
      var g = svgEl("g", {class: "bpx-edge", "data-param": e[2]});
      // The line runs from circle to circle.
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy);
      g.appendChild(svgEl("line", {x1: a[0] + R * dx / len, y1: a[1] + R * dy / len,
        x2: b[0] - R * dx / len, y2: b[1] - R * dy / len}));
      var x = a[0] + e[3] * dx + e[4], y = a[1] + e[3] * dy + e[5];
      var t = svgEl("text", {x: x, y: y, "text-anchor": "middle", class: "bpx-grad"});
      t.appendChild(slot("tspan", "g_" + e[2], gradStage(e[2])));
      var fd = svgEl("tspan", {class: "bpx-fd"}, " ≈ ");
      fd.appendChild(slot("tspan", "fd_" + e[2], gradStage(e[2])));
      t.appendChild(fd);
      g.appendChild(t);
      svg.appendChild(g);
    });
    [["x1", "x₁", "x1"], ["x2", "x₂", "x2"]].forEach(function (n) {
      var c = NODES[n[0]];
      svg.appendChild(svgEl("circle", {cx: c[0], cy: c[1], r: R, class: "bpx-node bpx-input"}));
      svg.appendChild(svgEl("text", {x: c[0], y: c[1] - 4, "text-anchor": "middle", class: "bpx-name bpx-inner"}, n[1]));
      var t = svgEl("text", {x: c[0], y: c[1] + 16, "text-anchor": "middle", class: "bpx-inner"});
      t.appendChild(slot("tspan", n[2], 0));
      svg.appendChild(t);
    });
    [["h1", "1_1", "¹₁", 1, 5], ["h2", "1_2", "¹₂", 1, 5], ["o", "2_1", "²₁", 2, 3]].forEach(function (n) {
      var c = NODES[n[0]];
      svg.appendChild(svgEl("circle", {cx: c[0], cy: c[1], r: R, class: "bpx-node"}));
      svg.appendChild(svgEl("text", {x: c[0], y: c[1] - 4, "text-anchor": "middle", class: "bpx-name bpx-inner"}, "a" + n[2]));
      var a = svgEl("text", {x: c[0], y: c[1] + 16, "text-anchor": "middle", class: "bpx-inner"});
      a.appendChild(slot("tspan", "a" + n[1], n[3]));
      svg.appendChild(a);
      var z = svgEl("text", {x: c[0], y: c[1] - R - 10, "text-anchor": "middle"});
      z.appendChild(svgEl("tspan", {}, "z" + n[2] + " = "));
      z.appendChild(slot("tspan", "z" + n[1], n[3]));
      svg.appendChild(z);
      var d = svgEl("text", {x: c[0], y: c[1] + R + 20, "text-anchor": "middle", class: "bpx-delta"});
      d.appendChild(svgEl("tspan", {}, "δ" + n[2] + " = "));
      d.appendChild(slot("tspan", "d" + n[1], n[4]));
      svg.appendChild(d);
    });
    var o = NODES.o;
    var c = svgEl("text", {x: o[0], y: o[1] + R + 42, "text-anchor": "middle", class: "bpx-cost"});
    c.appendChild(svgEl("tspan", {}, "C = "));
    c.appendChild(slot("tspan", "C", 2));
    svg.appendChild(c);
    return svg;
  }

  // ------------------------------------------------------------------ the widget
  function Explorer(root, cases) {
    this.root = root;
    this.cases = cases;
    this.stage = 0;
    this.inputs = {};
    this.history = [];
    this.build();
    this.setCase(0);
  }

  Explorer.prototype.build = function () {
    var self = this;
    var root = this.root;
    root.textContent = "";
    var uid = "bpx";

    var top = el("div", {class: "bpx-top"});
    var figure = el("div", {class: "bpx-figure"});
    figure.appendChild(drawGraph("wide"));
    figure.appendChild(drawGraph("tall"));
    top.appendChild(figure);
    top.appendChild(el("p", {class: "bpx-legend"}, [
      "In each neuron its activation a, above it its weighted input z, below it in red its " +
      "error δ (which is also ∂C/∂b, BP3). On each edge, in red, ∂C/∂w for its weight."]));

    // Equations, with the one the current step applies highlighted.
    var eqs = el("ul", {class: "bpx-equations", "aria-label": "The equations of the passes"});
    EQUATIONS.forEach(function (e) {
      eqs.appendChild(el("li", {"data-eq": e.name}, [e.text]));
    });
    top.appendChild(eqs);
    root.appendChild(top);

    // The step-by-step walk.
    var steps = el("div", {class: "bpx-row bpx-steps", role: "group", "aria-label": "Step through the passes"});
    this.backButton = el("button", {type: "button", "data-action": "back"}, ["◂ Back"]);
    this.stepButton = el("button", {type: "button", "data-action": "step"}, ["Step ▸"]);
    this.allButton = el("button", {type: "button", "data-action": "all"}, ["Show all"]);
    steps.appendChild(this.backButton);
    steps.appendChild(this.stepButton);
    steps.appendChild(this.allButton);
    this.status = el("p", {class: "bpx-status", "aria-live": "polite", "data-role": "status"});
    steps.appendChild(this.status);
    root.appendChild(steps);
    this.backButton.addEventListener("click", function () { self.goto(self.stage > 0 ? self.stage - 1 : 0); });
    this.stepButton.addEventListener("click", function () { self.goto((self.stage + 1) % STAGES.length); });
    this.allButton.addEventListener("click", function () { self.goto(0); });

    // The values of the three neurons, legible at any width.
    var table = el("table", {class: "bpx-table"});
    table.appendChild(el("caption", {}, ["The neurons"]));
    var head = el("tr", {}, [el("th", {scope: "col"}, ["neuron"]), el("th", {scope: "col"}, ["z"]),
      el("th", {scope: "col"}, ["a = σ(z)"]), el("th", {scope: "col"}, ["δ = ∂C/∂b"])]);
    table.appendChild(el("thead", {}, [head]));
    var body = el("tbody", {});
    [["1_1", "hidden 1", 1, 5], ["1_2", "hidden 2", 1, 5], ["2_1", "output", 2, 3]].forEach(function (n) {
      var d = el("td", {}, [slot("span", "d" + n[0], n[3])]);
      body.appendChild(el("tr", {}, [el("th", {scope: "row"}, [n[1]]),
        el("td", {}, [slot("span", "z" + n[0], n[2])]),
        el("td", {}, [slot("span", "a" + n[0], n[2])]), d]));
    });
    body.appendChild(el("tr", {}, [el("th", {scope: "row"}, ["cost C"]),
      el("td", {colspan: "3"}, [slot("span", "C", 2)])]));
    table.appendChild(body);
    root.appendChild(table);

    // Options: centred differences.
    var opts = el("div", {class: "bpx-row"});
    this.fdBox = el("input", {type: "checkbox", id: uid + "-fd", "data-action": "fd"});
    opts.appendChild(el("label", {for: uid + "-fd"}, [this.fdBox,
      " Show the centred-difference estimate (C(θ + ε) − C(θ − ε)) / 2ε, ε = 10⁻⁵, beside each partial derivative"]));
    root.appendChild(opts);
    this.fdBox.addEventListener("change", function () { self.render(); });

    // One control per parameter: slider and number field, with its partial derivative.
    var controls = el("div", {class: "bpx-controls", role: "group", "aria-label": "Inputs, target, weights and biases"});
    PARAMS.forEach(function (p) {
      var id = uid + "-in-" + p.key;
      var row = el("div", {class: "bpx-control", "data-param": p.key});
      row.appendChild(el("label", {for: id, class: "bpx-label"}, [p.label]));
      var range = el("input", {type: "range", min: String(p.min), max: String(p.max), step: "0.01",
        "aria-label": p.spoken + " (slider)", class: "bpx-range"});
      var number = el("input", {type: "number", step: "any", id: id, class: "bpx-number",
        "aria-label": p.spoken, "data-param": p.key});
      row.appendChild(range);
      row.appendChild(number);
      var grad = el("span", {class: "bpx-partial"});
      if (TRAINABLE.indexOf(p.key) >= 0) {
        grad.appendChild(document.createTextNode("∂C/∂" + p.label + " = "));
        grad.appendChild(slot("span", "g_" + p.key, gradStage(p.key)));
        var fd = el("span", {class: "bpx-fd"}, [" ≈ "]);
        fd.appendChild(slot("span", "fd_" + p.key, gradStage(p.key)));
        grad.appendChild(fd);
      }
      row.appendChild(grad);
      controls.appendChild(row);
      self.inputs[p.key] = {range: range, number: number};
      range.addEventListener("input", function () {
        number.value = range.value;
        self.update();
      });
      number.addEventListener("input", function () {
        var v = parseFloat(number.value);
        if (isFinite(v)) {
          range.value = String(v);
          number.removeAttribute("aria-invalid");
          self.update();
        } else {
          number.setAttribute("aria-invalid", "true");
        }
      });
    });
    root.appendChild(controls);

    // Gradient descent.
    var sgd = el("div", {class: "bpx-row bpx-sgd", role: "group", "aria-label": "Gradient descent"});
    var etaId = uid + "-eta";
    this.eta = el("input", {type: "number", step: "any", min: "0", id: etaId, value: "0.5",
      class: "bpx-number", "data-param": "eta"});
    sgd.appendChild(el("label", {for: etaId}, ["learning rate η "]));
    sgd.appendChild(this.eta);
    this.stepSgd = el("button", {type: "button", "data-action": "sgd"}, ["Take a gradient step"]);
    this.reset = el("button", {type: "button", "data-action": "reset"}, ["Back to the worked example"]);
    sgd.appendChild(this.stepSgd);
    sgd.appendChild(this.reset);
    this.costLog = el("p", {class: "bpx-costlog", "aria-live": "polite", "data-role": "costlog"});
    sgd.appendChild(this.costLog);
    root.appendChild(sgd);
    this.stepSgd.addEventListener("click", function () { self.gradientStep(); });
    this.reset.addEventListener("click", function () { self.setCase(0); });
  };

  Explorer.prototype.params = function () {
    var p = {};
    var inputs = this.inputs;
    PARAMS.forEach(function (q) {
      var v = parseFloat(inputs[q.key].number.value);
      p[q.key] = isFinite(v) ? v : 0;
    });
    return p;
  };

  Explorer.prototype.setParams = function (p) {
    var inputs = this.inputs;
    PARAMS.forEach(function (q) {
      if (q.key in p) {
        inputs[q.key].number.value = String(p[q.key]);
        inputs[q.key].range.value = String(p[q.key]);
        inputs[q.key].number.removeAttribute("aria-invalid");
      }
    });
  };

  Explorer.prototype.setCase = function (i) {
    this.setParams(this.cases[i].params);
    this.history = [];
    this.update();
  };

  // A parameter changed by hand: a new starting point for gradient descent.
  Explorer.prototype.update = function () {
    this.history = [];
    this.render();
  };

  Explorer.prototype.gradientStep = function () {
    var p = this.params();
    var eta = parseFloat(this.eta.value);
    if (!isFinite(eta)) {
      this.eta.setAttribute("aria-invalid", "true");
      return;
    }
    this.eta.removeAttribute("aria-invalid");
    var v = compute(p);
    if (this.history.length === 0) this.history.push(v.C);
    var next = {};
    TRAINABLE.forEach(function (key) { next[key] = p[key] - eta * v["g_" + key]; });
    this.setParams(next);
    this.history.push(cost(this.params()));
    this.render();
  };

  Explorer.prototype.goto = function (stage) {
    this.stage = stage;
    this.render();
  };

  Explorer.prototype.render = function () {
    var p = this.params();
    var v = Object.assign({}, p, compute(p), centred(p));
    var stage = this.stage;
    var showFd = this.fdBox.checked;
    this.root.classList.toggle("bpx-show-fd", showFd);
    this.root.setAttribute("data-stage", String(stage));
    this.root.querySelectorAll("[data-q]").forEach(function (e) {
      var q = e.getAttribute("data-q");
      var s = parseInt(e.getAttribute("data-stage"), 10);
      var shown = stage === 0 || s <= stage;
      e.setAttribute("data-value", String(v[q]));
      e.textContent = shown ? fmt(v[q]) : "…";
      e.classList.toggle("bpx-pending", !shown);
      e.classList.toggle("bpx-new", stage > 0 && s === stage);
    });
    var eqs = STAGES[stage].eq.split(" ");
    this.root.querySelectorAll("[data-eq]").forEach(function (li) {
      var on = eqs.indexOf(li.getAttribute("data-eq")) >= 0;
      li.classList.toggle("bpx-current", on);
      if (on) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    this.status.textContent = (stage > 0 ? "Step " + stage + " of " + (STAGES.length - 1) + ". " : "") +
      STAGES[stage].text;
    this.backButton.disabled = stage === 0;
    if (this.history.length > 1) {
      var h = this.history;
      this.costLog.textContent = "Cost after " + (h.length - 1) + " step" + (h.length > 2 ? "s" : "") +
        ": " + h.map(fmt).join(" → ") + (h[h.length - 1] < h[h.length - 2] ? " (it fell)" : " (it rose: try a smaller η)");
    } else {
      this.costLog.textContent = "Cost C = " + fmt(v.C) + ". Each step moves every weight and bias by −η times its partial derivative.";
    }
    this.costLog.setAttribute("data-history", JSON.stringify(this.history));
  };

  function start() {
    var root = document.getElementById("bp-explorer");
    var data = document.getElementById("explorer-cases");
    if (!root || !data) return;
    var cases = JSON.parse(data.textContent);
    var fallback = document.querySelectorAll(".bpx-fallback");
    fallback.forEach(function (e) { e.hidden = true; });
    root.hidden = false;
    // For tests/test_explorer.py: the widget's own functions and the reference cases.
    window.bpExplorer = new Explorer(root, cases);
    window.bpExplorer.sigmoid = sigmoid;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
