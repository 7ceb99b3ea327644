/* Follow background jobs shown with the job_progress macro: poll GET /api/v1/jobs/{id} while a job is queued or
   running, update its bar, and reload the page once it has ended (its result or error is then shown). */
(function () {
  "use strict";
  var live = Array.prototype.filter.call(document.querySelectorAll("[data-job]"), function (el) {
    return el.dataset.status === "queued" || el.dataset.status === "running";
  });
  if (!live.length || !window.fetch) { return; }
  function follow(el) {
    window.fetch("/api/v1/jobs/" + encodeURIComponent(el.dataset.job), {credentials: "same-origin",
                                                                         headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        var bar = el.querySelector("progress");
        bar.max = job.total || 1;
        bar.value = job.done;
        var count = el.querySelector(".job-count");
        count.textContent = count.dataset.label + " " + job.done + "/" + job.total;
        window.setTimeout(function () { follow(el); }, 2000);
      })
      .catch(function () { window.setTimeout(function () { follow(el); }, 5000); });
  }
  live.forEach(function (el) { window.setTimeout(function () { follow(el); }, 2000); });
})();
