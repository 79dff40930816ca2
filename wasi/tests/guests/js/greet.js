// A JavaScript guest (world greeter in greet.wit), componentized by componentize-js:
// the SpiderMonkey engine plus this source in one component.
export function greet(name) {
  if (name === 'throw') throw new Error(`greet refused: ${name}`);
  return `Hello, ${name}!`;
}

export function say(line) {
  console.log(line);
  return line.length;
}

export const shapes = {
  centroid(points) {
    if (points.length === 0) return { x: 0, y: 0 };
    let x = 0;
    let y = 0;
    for (const p of points) {
      x += p.x;
      y += p.y;
    }
    return { x: Math.trunc(x / points.length), y: Math.trunc(y / points.length) };
  },
  measure(words) {
    return words.map((w) => [w.toUpperCase(), w.length]).sort((a, b) => b[1] - a[1]);
  },
};
