// title: Convert between Celsius and Fahrenheit
// description: Convert temperatures between Celsius, Fahrenheit and Kelvin.
// keywords: temperature, celsius, fahrenheit, kelvin, convert, conversion, degrees, centigrade

function celsiusToFahrenheit(c) {
  return (c * 9) / 5 + 32;
}

function fahrenheitToCelsius(f) {
  return ((f - 32) * 5) / 9;
}

function celsiusToKelvin(c) {
  return c + 273.15;
}

console.log(celsiusToFahrenheit(100), celsiusToFahrenheit(-40));
console.log(fahrenheitToCelsius(98.6).toFixed(1));
console.log(celsiusToKelvin(25));
