// Passkey ceremonies (W3C WebAuthn Level 3): fetch options, ask the browser, send the answer.
// Loaded from a file (the Content-Security-Policy allows no inline script). Buttons declare:
//   data-passkey="create|get" data-options=URL data-verify=URL [data-next=PATH] [data-name-input=ID]
//   [data-resume=FORM-ID: the form to post after the ceremony instead of going to data-next]
"use strict";

(function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var detail = data && data.detail;
          throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
        }
        return data;
      });
    });
  }

  function run(button) {
    var status = document.querySelector("[data-passkey-status]");
    var mode = button.getAttribute("data-passkey");
    var nameInput = button.getAttribute("data-name-input");
    button.disabled = true;
    if (status) { status.textContent = ""; }
    post(button.getAttribute("data-options"))
      .then(function (options) {
        if (mode === "create") {
          return navigator.credentials.create({
            publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
          });
        }
        return navigator.credentials.get({
          publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
        });
      })
      .then(function (credential) {
        var name = nameInput ? document.getElementById(nameInput).value : "";
        return post(button.getAttribute("data-verify"), {
          credential: credential.toJSON(),
          name: name,
          next: button.getAttribute("data-next") || "",
        });
      })
      .then(function (result) {
        // A form held back by the step-up is posted again, with what the user typed.
        var resume = button.getAttribute("data-resume");
        var form = resume ? document.getElementById(resume) : null;
        if (form) {
          form.submit();
          return;
        }
        window.location.assign(result.redirect || "/account");
      })
      .catch(function (error) {
        button.disabled = false;
        if (status) { status.textContent = error.message || String(error); }
      });
  }

  // Lets a page (and a browser test) know the buttons are live.
  document.documentElement.setAttribute("data-passkey-ready", "1");

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey]");
    if (button) {
      event.preventDefault();
      run(button);
    }
  });
})();
