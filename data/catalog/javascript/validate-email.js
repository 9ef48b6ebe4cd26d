// title: Validate an email address with a regex
// description: Check whether a string looks like a valid email address using regular expressions for its parts, with length limits and no catastrophic backtracking.
// keywords: email, e-mail, mail, address, validate, validation, valid, check, regex, regular, expression, pattern

function isValidEmail(address) {
  // Simple patterns per part: a single regex with nested quantifiers can
  // backtrack for a very long time on hostile input (ReDoS).
  if (address.length > 254) return false;
  const parts = address.split("@");
  if (parts.length !== 2) return false;
  const labels = parts[1].split(".");
  return (
    /^[A-Za-z0-9._%+-]{1,64}$/.test(parts[0]) &&
    labels.length >= 2 &&
    labels.every((label) => /^[A-Za-z0-9-]{1,63}$/.test(label) && !label.startsWith("-") && !label.endsWith("-")) &&
    /^[A-Za-z]{2,63}$/.test(labels[labels.length - 1])
  );
}

for (const a of ["ada@example.com", "first.last+tag@mail.co.uk", "no-at-sign.com", "a@b", "x@y..com"]) {
  console.log(a, isValidEmail(a));
}
