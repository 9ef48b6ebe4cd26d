// expect: close
function area(w: number, h:
