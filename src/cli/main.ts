console.log('skald');
