// contador de visitas
var region = 'Nirgua';
function cuenta() { return region; }
