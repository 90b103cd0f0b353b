// Progressive enhancement of the ballot: the budget bar follows the choices as they are made.
// Without this script the "update the total" button asks the server for the same sum; with it
// the button is hidden. The server checks every ballot again: this only shows the sum sooner.
//
// The bar carries what is needed in data attributes (written by the server in the reader's
// language): the meter's maximum in the bar's unit (cents or points), the digit separators,
// an amount of zero in the budget's currency, and the sentences with {chosen} and {left}.
(function () {
  var bar = document.getElementById("budget-bar");
  var form = bar && bar.closest("form");
  if (!form) {
    return;
  }
  var data = bar.dataset;
  var points = data.points === "true";
  var places = parseInt(data.places, 10) || 0;
  var max = Number(data.max);
  var meter = bar.querySelector("meter");
  var text = bar.querySelector(".bar-text");
  var left = bar.querySelector(".bar-left");
  var over = bar.querySelector(".bar-over");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name='choice'], input[name^='points-']"));
  // Beyond 2^53 a JavaScript number is no longer exact: leave the sum to the server.
  var exact = Number.isSafeInteger(max) && inputs.every(function (input) {
    return points || Number.isSafeInteger(Number(input.dataset.cost));
  });
  if (!meter || !text || !exact) {
    return;
  }

  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, data.group);
  }

  // As the server writes amounts: cents only when not whole, every other digit kept.
  function amount(scaled) {
    var digits = String(scaled).padStart(places + 1, "0");
    var whole = digits.slice(0, digits.length - places);
    var fraction = digits.slice(digits.length - places).replace(/0+$/, "");
    if (fraction.length === 1) {
      fraction += "0";
    }
    var figure = grouped(whole) + (fraction ? data.decimal + fraction : "");
    return data.zero.replace("0", figure);
  }

  function written(n) {
    return points ? grouped(String(n)) : amount(n);
  }

  function update() {
    var sum = 0;
    inputs.forEach(function (input) {
      if (points) {
        var n = parseInt(input.value, 10);
        sum += n > 0 ? n : 0;
      } else if (input.checked) {
        sum += Number(input.dataset.cost);
      }
    });
    meter.value = Math.min(sum, max);
    meter.textContent = data.text.replace("{chosen}", written(sum));
    text.textContent = meter.textContent;
    left.textContent = sum < max ? " — " + data.left.replace("{left}", written(max - sum)) : "";
    if (over) {
      over.hidden = !(sum > max && data.over);
    }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.querySelectorAll(".ballot-update").forEach(function (button) {
    button.hidden = true;
  });
})();
