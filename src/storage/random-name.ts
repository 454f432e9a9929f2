// Random container names in Docker's adjective_surname style (like Podman), so `ps` stays readable.
import {randomInt} from 'node:crypto';

const ADJECTIVES = ['admiring', 'agitated', 'amazing', 'angry', 'awesome', 'blissful', 'bold', 'brave', 'busy', 'charming',
  'clever', 'cool', 'compassionate', 'competent', 'confident', 'cranky', 'dazzling', 'determined', 'distracted', 'dreamy',
  'eager', 'ecstatic', 'elastic', 'elegant', 'eloquent', 'epic', 'fervent', 'festive', 'focused', 'friendly',
  'frosty', 'gallant', 'gifted', 'goofy', 'gracious', 'happy', 'hopeful', 'hungry', 'infallible', 'inspiring',
  'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical', 'modest', 'musing',
  'nice', 'nifty', 'nostalgic', 'optimistic', 'peaceful', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical',
  'relaxed', 'reverent', 'romantic', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange', 'sweet',
  'tender', 'thirsty', 'trusting', 'unruffled', 'upbeat', 'vibrant', 'vigilant', 'wizardly', 'wonderful', 'youthful', 'zealous'];

const SURNAMES = ['agnesi', 'albattani', 'allen', 'archimedes', 'babbage', 'banach', 'bardeen', 'bartik', 'bell', 'black',
  'blackwell', 'bohr', 'booth', 'borg', 'bose', 'brahmagupta', 'brattain', 'brown', 'carson', 'cerf',
  'chandrasekhar', 'clarke', 'curie', 'darwin', 'davinci', 'dijkstra', 'easley', 'einstein', 'elion', 'engelbart',
  'euclid', 'euler', 'fermat', 'fermi', 'feynman', 'franklin', 'gagarin', 'galileo', 'gauss', 'goldberg',
  'goodall', 'hamilton', 'hawking', 'heisenberg', 'hermann', 'hopper', 'hypatia', 'jackson', 'jennings', 'johnson',
  'kalam', 'kepler', 'knuth', 'kowalevski', 'lamarr', 'leakey', 'lovelace', 'lumiere', 'mayer', 'mccarthy',
  'meitner', 'mendel', 'mirzakhani', 'morse', 'newton', 'nobel', 'noether', 'pascal', 'pasteur', 'payne',
  'perlman', 'pike', 'poincare', 'ritchie', 'rosalind', 'shannon', 'sinoussi', 'stallman', 'tesla', 'thompson',
  'torvalds', 'turing', 'vaughan', 'wiles', 'williams', 'wozniak', 'wright', 'yalow', 'yonath'];

export function randomName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
}
