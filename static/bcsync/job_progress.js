// Progress of a page's bulk jobs (uploads on the POS View, imports on the Web View): polls the
// section's data-url every 2 s while a job is queued or running, and draws a bar per job.
(function () {
  "use strict";

  // Returns poll(): call it after queueing a job. `noun` labels each job ("Upload");
  // `onIdle` runs when the jobs that were busy at the last look have all finished.
  window.bcsyncJobProgress = function (sectionId, listId, noun, onIdle) {
    let timer = null;
    let working = false;

    async function poll() {
      const section = document.getElementById(sectionId);
      if (!section) return;
      clearTimeout(timer);
      let data;
      try {
        const response = await fetch(section.dataset.url, {
          credentials: "same-origin", headers: {"Accept": "application/json"}});
        if (!response.ok) return;
        data = await response.json();
      } catch (error) {
        return;
      }
      document.getElementById(listId).replaceChildren(...data.jobs.map((job) => {
        const li = document.createElement("li");
        li.className = "pos-job";
        li.dataset.state = job.state;
        const bar = document.createElement("progress");
        bar.max = job.total || 1;
        bar.value = job.done;
        const label = document.createElement("span");
        label.textContent = " " + noun + " #" + job.id + ": " + job.state_label + ", " +
          job.done + " of " + job.total + " done, " + job.failed + " failed";
        li.append(bar, label);
        return li;
      }));
      section.hidden = !data.jobs.length;
      const busy = data.jobs.some((j) => j.state === "queued" || j.state === "running");
      if (working && !busy && onIdle) onIdle();
      working = busy;
      if (busy) timer = setTimeout(poll, 2000);
    }

    return poll;
  };
})();
