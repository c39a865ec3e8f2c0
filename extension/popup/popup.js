// Postguard popup: host status, this profile's policy and role (editable unless the
// administrator set them), and a way to the options page.
(function (root) {
  "use strict";

  const { ui } = root.Postguard;
  const $ = (id) => document.getElementById(id);

  function render(state) {
    const s = ui.hostSummary(state.host);
    const box = $("host-status");
    box.dataset.tone = s.tone;
    box.dataset.state = state.host.state;
    $("host-title").textContent = s.tone === "problem" && state.host.state !== "ok"
      ? s.title + " Open all settings for how to fix it."
      : s.title;

    const { locked, sync, effective, selectablePolicies, policies } = state;
    const policy = $("policy");
    if (locked.policy) {
      const p = (policies || []).find((x) => x.id === effective.policy) || { id: effective.policy, name: effective.policy };
      ui.fillPolicySelect(policy, { policies: [p], current: effective.policy, showId: false });
      policy.disabled = true;
    } else {
      ui.fillPolicySelect(policy, { policies: selectablePolicies, current: sync.policy || effective.policy, missingLabel: "not available", showId: false });
      if (policy.options.length === 0) policy.append(new Option("None available", ""));
      policy.disabled = policy.value === "";
    }
    $("policy-note").hidden = !locked.policy;

    ui.fillRoleSelect($("role"), { current: locked.role ? effective.role : sync.role || effective.role, short: true });
    $("role").disabled = locked.role;
    $("role-note").hidden = !locked.role;
    document.body.dataset.ready = "true";
  }

  async function save(values) {
    try {
      await ui.saveSync(values);
      $("save-status").textContent = "Saved.";
    } catch (e) {
      $("save-status").textContent = `Not saved: ${(e && e.message) || e}`;
    }
  }

  $("policy").addEventListener("change", () => {
    if ($("policy").value) save({ policy: $("policy").value });
  });
  $("role").addEventListener("change", () => save({ role: $("role").value }));
  $("open-options").addEventListener("click", async () => {
    await ui.openOptions();
    window.close();
  });

  ui.getState().then(render);
})(globalThis);
