/* The grid's map: the cells (GeoJSON) on a plain background, coloured by street, and the layers other apps
   register (grid.layers), fetched when switched on. A cell's page draws its own boundary from a JSON data block.
   Kept in a static file: the Content-Security-Policy runs no inline script. */
(function () {
  "use strict";
  var element = document.getElementById("grid-map");
  if (!element || typeof L === "undefined") {
    return;
  }
  // No tiles: zoom is bounded to what the district needs, and there is no attribution to show.
  var map = L.map(element, { attributionControl: false, minZoom: 10, maxZoom: 19, zoomSnap: 0.25 });
  var status = document.getElementById("grid-map-status");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  // Text nodes only: names come from the database and are never parsed as HTML.
  function label(lines) {
    var box = document.createElement("div");
    lines.forEach(function (line, i) {
      if (i) {
        box.appendChild(document.createElement("br"));
      }
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }

  function cellStyle(feature) {
    var colour = (feature.properties && feature.properties.color) || "#3182bd";
    return { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.35 };
  }

  var single = document.getElementById("cell-geometry");
  if (single) {
    var outline = L.geoJSON(JSON.parse(single.textContent), { style: { color: "#d62728", weight: 2, fillOpacity: 0.2 } });
    outline.addTo(map);
    map.fitBounds(outline.getBounds(), { padding: [20, 20] });
    return;
  }

  var cellUrl = element.dataset.cellUrl;
  fetch(element.dataset.cells, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      var cells = L.geoJSON(collection, {
        style: cellStyle,
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindTooltip(label([p.name, p.code, p.street_name + " · " + p.community_name]), { sticky: true });
          layer.on("click", function () {
            window.location.href = cellUrl.replace("CODE", encodeURIComponent(p.code));
          });
        },
      }).addTo(map);
      if (collection.features.length) {
        map.fitBounds(cells.getBounds());
        say(collection.features.length + " 个网格");
      } else {
        map.setView([23.08, 113.325], 12);
        say("没有可显示的网格");
      }
    })
    .catch(function () {
      map.setView([23.08, 113.325], 12);
      say("网格数据加载失败，请刷新重试");
    });

  // Layers other apps register: fetched the first time they are switched on, then shown and hidden.
  Array.prototype.forEach.call(document.querySelectorAll(".grid-layer"), function (box) {
    var shown = null;
    box.addEventListener("change", function () {
      if (!box.checked) {
        if (shown) {
          map.removeLayer(shown);
        }
        return;
      }
      if (shown) {
        shown.addTo(map);
        return;
      }
      fetch(box.dataset.url, { credentials: "same-origin" })
        .then(function (response) {
          return response.json();
        })
        .then(function (collection) {
          shown = L.geoJSON(collection, {
            pointToLayer: function (feature, latlng) {
              return L.circleMarker(latlng, { radius: 5, color: box.dataset.colour, weight: 1, fillOpacity: 0.8 });
            },
            onEachFeature: function (feature, layer) {
              var p = feature.properties || {};
              if (p.label) {
                layer.bindTooltip(label([p.label]));
              }
              if (p.url && /^\/(?!\/)/.test(p.url)) {
                layer.on("click", function () {
                  window.location.href = p.url;
                });
              }
            },
          });
          if (box.checked) {
            shown.addTo(map);
          }
        });
    });
  });
})();
