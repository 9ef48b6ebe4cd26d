// title: Validate an email address with a regex
// description: Check whether a string looks like a valid email address using a regular expression, with a length limit.
// keywords: email, e-mail, mail, address, validate, validation, valid, check, regex, regular, expression, pattern

function isValidEmail(address: string): boolean {
  const pattern = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
  return address.length <= 254 && pattern.test(address);
}

for (const a of ["ada@example.com", "first.last+tag@mail.co.uk", "no-at-sign.com", "a@b", "x@y..com"]) {
  console.log(a, isValidEmail(a));
}
