// title: Escape HTML to prevent XSS
// description: Escape the special HTML characters of untrusted text before putting it into a page, to prevent cross-site scripting (XSS).
// keywords: escape, html, xss, sanitize, sanitise, encode, entities, untrusted, user, input, injection, safe, cross, site, scripting

function escapeHtml(text) {
  const map = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return String(text).replace(/[&<>"']/g, (ch) => map[ch]);
}

console.log(escapeHtml('<img src=x onerror="alert(1)">'));
console.log(escapeHtml("Tom & Jerry's"));
