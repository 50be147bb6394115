// Choropleth of Zhuhai's districts (ECharts, bundled GeoJSON) linked to the street table.
// Data comes from the page (#planner-data); the chart instance is window.plannerMap so tests
// and the console can inspect it.
(function () {
  "use strict";
  const el = document.getElementById("planner-map");
  const dataEl = document.getElementById("planner-data");
  if (!el || !dataEl || !window.echarts) return;
  const data = JSON.parse(dataEl.textContent);
  const L = data.labels;
  const metric = data.metric;
  const fmt = (n) => Number(n || 0).toLocaleString();
  const byName = Object.fromEntries(data.districts.map((d) => [d.name, d]));

  function figures(d) {
    const rows = [
      [L.needs, d.needs], [L.matched, d.matched], [L.unmet, d.unmet], [L.pending, d.pending],
      [L.unmet_budget, d.unmet_budget], [L.unmet_beneficiaries, d.unmet_beneficiaries],
    ];
    for (const [k, v] of Object.entries(d.reasons || {})) rows.push([L.reasons[k] || k, v]);
    return rows;
  }

  function escape(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function linkTo(base, params) {
    const url = new URL(base, window.location.href);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.pathname + url.search;
  }

  function showDetail(d) {
    const box = document.getElementById("district-detail");
    document.getElementById("district-detail-name").textContent = d.label;
    const dl = document.getElementById("district-detail-figures");
    dl.replaceChildren();
    for (const [k, v] of figures(d)) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = fmt(v);
      dl.append(dt, dd);
    }
    const links = document.getElementById("district-detail-links");
    links.replaceChildren();
    for (const [href, text] of [
      [linkTo(data.links.needs, { district: d.code }), L.show_needs],
      [linkTo(data.links.gaps, { district: d.code }), L.show_gaps],
      ["#street-table", L.streets_of],
    ]) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      links.append(a, document.createElement("br"));
    }
    box.dataset.district = d.code;
    // Link the table: highlight the district and its streets.
    document.querySelectorAll("#street-table tbody tr").forEach((tr) => {
      const code = tr.cells[0] ? tr.cells[0].textContent.trim() : "";
      tr.classList.toggle("highlight", code.startsWith(d.code));
    });
  }

  const chart = echarts.init(el, null, { renderer: "svg" });
  window.plannerMap = chart;
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((geo) => {
      echarts.registerMap("zhuhai", geo);
      const values = data.districts.map((d) => d[metric]);
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const d = byName[p.name];
            if (!d) return escape(p.name);
            return "<b>" + escape(d.label) + "</b><br>" +
              figures(d).map(([k, v]) => escape(k) + ": " + fmt(v)).join("<br>");
          },
        },
        visualMap: {
          min: 0, max: Math.max(1, ...values), calculable: true, left: 10, bottom: 10,
          text: [data.metric_label, ""], inRange: { color: ["#eef5fb", "#f4a261", "#b2182b"] },
        },
        series: [{
          type: "map", map: "zhuhai", roam: true, selectedMode: "single",
          label: { show: true, formatter: (p) => (byName[p.name] ? byName[p.name].label : p.name) },
          data: data.districts.map((d) => ({ name: d.name, value: d[metric], code: d.code })),
        }],
      });
      chart.on("click", (p) => { if (byName[p.name]) showDetail(byName[p.name]); });
      el.dataset.ready = "1";
    });
  window.addEventListener("resize", () => chart.resize());
})();
