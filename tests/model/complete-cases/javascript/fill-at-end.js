// expect: fill debounce
function debounce(fn, waitMs) {
